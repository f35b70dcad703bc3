import { describe, expect, it } from 'vitest'
import type { Relation } from '../../src/pgoutput-decoder.ts'
import type { RowValues } from '../../src/row-key.ts'
import type { Canonicalizer } from '../../src/row-predicate.ts'
import { Shape } from '../../src/shape.ts'
import { innerIndexKeys, subqueryIndexKey } from '../../src/subquery-index-key.ts'
import { buildWherePlan, expressionContextFor } from '../../src/subquery-plan.ts'
import { SubqueryShapeIndex } from '../../src/subquery-shape-index.ts'
import type { TableInfo } from '../../src/table-catalog.ts'
import { TableShapes } from '../../src/table-shapes.ts'
import type { TableChanges } from '../../src/transaction-applier.ts'
import { compileWhere } from '../../src/where-clause.ts'
import { definition, row, table } from './shape-fixtures.ts'

/**
 * The bookkeeping of the equality index for subquery shapes: which key a clause gets, and that a
 * shape is found under exactly the values its subquery's set holds as that set moves.
 */

const issues: TableInfo = {
  ...table('issues', [
    ['id', 'int4', { pk: 0 }],
    ['project_id', 'int4'],
    ['title', 'text'],
  ]),
  oid: 1,
}
const projects: TableInfo = {
  ...table('projects', [
    ['id', 'int4', { pk: 0 }],
    ['owner', 'text'],
  ]),
  oid: 2,
}
const tables = new Map([
  ['issues', issues],
  ['projects', projects],
])

/** Postgres' output of these literals (int4 loses leading zeros). */
const canonicalize: Canonicalizer = async (values) =>
  values.map(({ castType, text }) => (castType === 'pg_catalog.int4' ? String(Number(text)) : text))

async function planOf(where: string, params: Record<string, string> = {}) {
  const paramMap = new Map(Object.entries(params).map(([key, value]) => [Number(key), value]))
  const compiled = await compileWhere(where, paramMap, expressionContextFor(issues, true))
  const plan = await buildWherePlan(issues, compiled, paramMap, async (name) => {
    const found = tables.get(name.name)
    if (!found) throw new Error(`no table ${name.name}`)
    return found
  })
  return { compiled, plan }
}

async function keyOf(where: string, params: Record<string, string> = {}) {
  const { plan } = await planOf(where, params)
  return subqueryIndexKey(plan, issues, canonicalize)
}

describe('the index key of a subquery shape', () => {
  it('is the subquery column when every alternative requires IN (SELECT …)', async () => {
    expect(await keyOf('project_id IN (SELECT id FROM projects WHERE owner = $1)', { 1: 'ada' })).toEqual({
      kind: 'subquery',
      position: 0,
      column: 'project_id',
    })
    expect(await keyOf(`title <> 'x' AND project_id IN (SELECT id FROM projects)`)).toEqual({
      kind: 'subquery',
      position: 1,
      column: 'project_id',
    })
    // The same subquery in both alternatives is one condition both require.
    expect(
      await keyOf(
        `(project_id IN (SELECT id FROM projects) AND title = 'a') OR (project_id IN (SELECT id FROM projects) AND title = 'b')`,
      ),
    ).toMatchObject({ kind: 'subquery', position: 0 })
  })

  it('prefers an equality every alternative requires, the one with the fewest values', async () => {
    expect(
      await keyOf('project_id IN (SELECT id FROM projects) AND id IN (1, 2, 3) AND title = $1', { 1: 'a' }),
    ).toEqual({ kind: 'equality', key: { column: 'title', values: ['a'] } })
    expect(await keyOf(`id = '007' AND project_id IN (SELECT id FROM projects)`)).toEqual({
      kind: 'equality',
      key: { column: 'id', values: ['7'] },
    })
  })

  it('is none for NOT IN and for alternatives that do not all require one condition', async () => {
    expect(await keyOf('project_id NOT IN (SELECT id FROM projects)')).toBeUndefined()
    expect(await keyOf(`project_id IN (SELECT id FROM projects) OR title = 'x'`)).toBeUndefined()
    expect(
      await keyOf(`project_id IN (SELECT id FROM projects WHERE owner = 'a') OR id IN (SELECT id FROM projects)`),
    ).toBeUndefined()
  })
})

describe('the index keys of the tables a subquery reads', () => {
  const innerKeysOf = async (where: string, params: Record<string, string> = {}) =>
    innerIndexKeys((await planOf(where, params)).plan, canonicalize)

  it('key a table read by one subquery whose WHERE implies an equality', async () => {
    expect(await innerKeysOf('project_id IN (SELECT id FROM projects WHERE owner = $1)', { 1: 'ada' })).toEqual(
      new Map([[projects.oid, { column: 'owner', values: ['ada'] }]]),
    )
    // A nested subquery re-reads the middle table when it moves: only the innermost is keyed.
    expect(
      await innerKeysOf(
        `project_id IN (SELECT id FROM projects WHERE owner = 'a' AND id IN (SELECT project_id FROM issues WHERE title = 'x'))`,
      ),
    ).toEqual(new Map([[issues.oid, { column: 'title', values: ['x'] }]]))
  })

  it.each([
    'project_id IN (SELECT id FROM projects)',
    `project_id IN (SELECT id FROM projects WHERE owner <> 'x')`,
    `project_id IN (SELECT id FROM projects WHERE owner = 'a' OR owner = 'b')`,
    `project_id IN (SELECT id FROM projects WHERE owner = 'a') AND id IN (SELECT id FROM projects WHERE owner = 'b')`,
  ])('leave every change of the table to %s', async (where) => {
    expect(await innerKeysOf(where)).toEqual(new Map())
  })
})

const relation = { oid: 1, schema: 'public', name: 'issues', replicaIdentity: 'full', columns: [] } as Relation
const innerRelation = { ...relation, oid: 2, name: 'projects' } as Relation

function changesOf(...changes: Array<[RowValues | null, RowValues | null]>): TableChanges {
  return {
    truncated: false,
    changes: changes.map(([oldRow, newRow], index) => ({
      kind: oldRow && newRow ? 'update' : oldRow ? 'delete' : 'insert',
      relation,
      oldRow,
      newRow,
      incompleteOldRow: false,
      opPosition: 2 * index,
    })),
  }
}

const issue = (id: number, project: number | null) =>
  row({ id: String(id), project_id: project === null ? null : String(project), title: 't' })

describe('TableShapes', () => {
  it('finds a shape under the old and the new value of an update, and refiles it', () => {
    const shapes = new TableShapes()
    const shape = new Shape('a-1', definition(issues))
    shapes.add(shape)
    // Still snapshotting: every change.
    expect([...shapes.candidates([issue(1, 9)])]).toEqual([shape])
    shapes.activate(shape, { column: 'project_id', values: ['1', '2'] })
    expect(shapes.entryCount).toBe(2)
    // The first batch checks the relation on every shape; from then on the index answers.
    expect([...shapes.candidatesFor(changesOf([null, issue(1, 9)]))]).toEqual([shape])
    expect([...shapes.candidatesFor(changesOf([null, issue(1, 9)]))]).toEqual([])
    expect([...shapes.candidatesFor(changesOf([issue(1, 9), issue(1, 2)]))]).toEqual([shape])
    expect([...shapes.candidatesFor(changesOf([issue(1, 2), issue(1, 9)]))]).toEqual([shape])
    expect([...shapes.candidatesFor(changesOf([issue(1, null), null]))]).toEqual([])

    shapes.refile(shape, ['9'], ['1', '2'])
    expect([...(shapes.filedValues(shape) ?? [])]).toEqual(['9'])
    expect([...shapes.candidatesFor(changesOf([null, issue(1, 9)]))]).toEqual([shape])
    expect([...shapes.candidatesFor(changesOf([issue(1, 1), issue(1, 2)]))]).toEqual([])

    shapes.remove(shape)
    expect(shapes.entryCount).toBe(0)
    expect(shapes.size).toBe(0)
    expect([...shapes.candidatesFor(changesOf([null, issue(1, 9)]))]).toEqual([])
  })
})

describe('SubqueryShapeIndex', () => {
  async function subqueryShape(handle: string, where: string) {
    const { compiled, plan } = await planOf(where)
    const shape = new Shape(handle, definition(issues, { where: compiled, plan, identity: handle }))
    return { shape, key: await subqueryIndexKey(plan, issues, canonicalize) }
  }
  const project = (id: number, owner: string) => row({ id: String(id), owner })
  const inner = (oldRow: RowValues | null, newRow: RowValues | null): TableChanges => ({
    truncated: false,
    changes: [
      {
        kind: oldRow && newRow ? 'update' : oldRow ? 'delete' : 'insert',
        relation: innerRelation,
        oldRow,
        newRow,
        incompleteOldRow: false,
        opPosition: 0,
      },
    ],
  })

  it('files a shape under its set as the set moves, and always offers it its inner tables', async () => {
    const index = new SubqueryShapeIndex()
    const keyed = await subqueryShape('keyed-1', 'project_id IN (SELECT id FROM projects)')
    const negated = await subqueryShape('negated-1', 'project_id NOT IN (SELECT id FROM projects)')
    const scoped = await subqueryShape('scoped-1', `title = 'x' AND project_id IN (SELECT id FROM projects)`)
    for (const { shape, key } of [keyed, negated, scoped]) {
      index.add(shape)
      index.setKey(shape, key)
    }
    expect(index.reads(1) && index.reads(2) && !index.reads(3)).toBe(true)
    const found = (changes: TableChanges, oid = 1) =>
      [...index.shapesFor(new Map([[oid, changes]]))].map((shape) => shape.handle).sort()
    // Snapshotting shapes see everything.
    expect(found(changesOf([null, issue(1, 5)]))).toEqual(['keyed-1', 'negated-1', 'scoped-1'])

    // Active with an empty set: a row of project 5 can match only the NOT IN shape.
    for (const { shape } of [keyed, negated, scoped]) index.activate(shape)
    expect(index.filedValues(keyed.shape)).toEqual(new Set())
    expect(found(changesOf([null, issue(1, 5)]))).toEqual(['negated-1'])
    // Inner-table changes reach every shape reading it (their sets follow them).
    expect(found(inner(null, project(5, 'ada')), 2)).toEqual(['keyed-1', 'negated-1', 'scoped-1'])

    // Project 5 moves into the set: the keyed shape is now found for rows of project 5, also when
    // a row moves away from it (old value) or into it (new value); the scoped one keeps its equality.
    const moved = { added: new Set(['5']), removed: new Set<string>() }
    expect(index.setsMoved(keyed.shape, [moved])).toEqual(moved)
    expect(index.setsMoved(scoped.shape, [undefined, moved])).toBeUndefined()
    expect(index.setsMoved(negated.shape, [moved])).toBeUndefined()
    expect(found(changesOf([null, issue(1, 5)]))).toEqual(['keyed-1', 'negated-1'])
    expect(found(changesOf([issue(1, 5), issue(1, 6)]))).toEqual(['keyed-1', 'negated-1'])
    expect(found(changesOf([issue(1, 6), issue(1, 5)]))).toEqual(['keyed-1', 'negated-1'])
    expect(found(changesOf([null, row({ id: '2', project_id: '6', title: 'x' })]))).toEqual(['negated-1', 'scoped-1'])

    // …and out again.
    index.setsMoved(keyed.shape, [{ added: new Set(), removed: new Set(['5']) }])
    expect(found(changesOf([null, issue(1, 5)]))).toEqual(['negated-1'])

    for (const { shape } of [keyed, negated, scoped]) index.remove(shape)
    expect(index.reads(1) || index.reads(2)).toBe(false)
    expect(index.shapes()).toEqual([])
  })

  it("offers a change of an inner table only to the shapes whose subquery's WHERE it can match", async () => {
    const index = new SubqueryShapeIndex()
    const shapes = await Promise.all(
      ['ada', 'bob'].map(async (owner) => {
        const { compiled, plan } = await planOf('project_id IN (SELECT id FROM projects WHERE owner = $1)', {
          1: owner,
        })
        const shape = new Shape(`${owner}-1`, definition(issues, { where: compiled, plan, identity: owner }))
        index.add(shape)
        index.setKey(
          shape,
          await subqueryIndexKey(plan, issues, canonicalize),
          await innerIndexKeys(plan, canonicalize),
        )
        return shape
      }),
    )
    const everyone = await subqueryShape('everyone-1', 'project_id IN (SELECT id FROM projects)')
    index.add(everyone.shape)
    index.setKey(
      everyone.shape,
      everyone.key,
      await innerIndexKeys((await planOf('project_id IN (SELECT id FROM projects)')).plan, canonicalize),
    )
    const found = (changes: TableChanges) =>
      [...index.shapesFor(new Map([[projects.oid, changes]]))].map((shape) => shape.handle).sort()
    expect(found(inner(null, project(1, 'cy')))).toEqual(['ada-1', 'bob-1', 'everyone-1'])
    for (const shape of [...shapes, everyone.shape]) index.activate(shape)

    expect(found(inner(null, project(1, 'cy')))).toEqual(['everyone-1'])
    expect(found(inner(null, project(1, 'ada')))).toEqual(['ada-1', 'everyone-1'])
    // A project changing hands reaches the owner it leaves (old row) and the one it joins (new row).
    expect(found(inner(project(1, 'ada'), project(1, 'bob')))).toEqual(['ada-1', 'bob-1', 'everyone-1'])
    expect(found(inner(project(1, 'bob'), null))).toEqual(['bob-1', 'everyone-1'])

    for (const shape of [...shapes, everyone.shape]) index.remove(shape)
    expect(index.reads(projects.oid)).toBe(false)
  })
})
