import { describe, expect, it } from 'vitest'
import { expressionSql } from '../../src/expression-sql.ts'
import { disjunctiveNormalForm } from '../../src/subquery-plan.ts'
import { type CompiledWhere, compileWhere, type ExpressionContext, WhereClauseError } from '../../src/where-clause.ts'

const context: ExpressionContext = {
  columns: new Set(['id', 'title', 'done', 'project_id', 'score', 'tags', 'mood']),
  extraCastTypes: new Set(['mood']),
  allowSubqueries: true,
}
const noParams = new Map<number, string>()

const compile = (where: string, params: ReadonlyMap<number, string> = noParams): Promise<CompiledWhere> =>
  compileWhere(where, params, context)

describe('printing a validated expression', () => {
  it.each([
    `title = 'it''s'`,
    `id BETWEEN -5 AND 0 AND NOT done`,
    `score >= 1.5e3 OR score IS NULL`,
    `title NOT LIKE 'a%' AND title ILIKE $1`,
    `id IN (1, 2) AND id NOT IN (3)`,
    `'x' = ANY(tags) AND tags @> ARRAY['a', 'b']::text[]`,
    `coalesce(title, 'n') IS DISTINCT FROM lower(upper($1))`,
    `done IS NOT TRUE AND mood::text <> 'sad' AND GREATEST(id, 3) > LEAST(id, 1)`,
    `created::timestamptz > '2024-01-01'::timestamptz`.replace('created', 'title'),
    `project_id IN (SELECT id FROM projects WHERE owner = $1 AND team IN (SELECT id FROM teams))`,
  ])('%s prints to SQL that parses back to itself', async (where) => {
    const params = new Map([[1, 'p']])
    const first = await compile(where, params)
    const printed = expressionSql(first.ast)
    const second = await compile(printed, params)
    expect(expressionSql(second.ast)).toBe(printed)
  })

  it('keeps constants exact (quotes, negative numbers, bit strings)', async () => {
    const { ast } = await compile(`title = 'a''b' AND id = -3 AND score = 0.50 AND id::int4 = 0`)
    expect(expressionSql(ast)).toBe(
      `(("title" = 'a''b') AND ("id" = (-3)) AND ("score" = (0.50)) AND (("id")::"int4" = (0)))`,
    )
  })
})

describe('splitting a where clause into alternatives', () => {
  const sqlOf = async (where: string) =>
    disjunctiveNormalForm((await compile(where)).ast).map((conjunction) => conjunction.map(expressionSql))

  it('keeps a clause without OR as one alternative', async () => {
    expect(await sqlOf(`project_id IN (SELECT id FROM projects) AND done`)).toEqual([
      [`("project_id" IN (SELECT "id" FROM "projects"))`, `"done"`],
    ])
  })

  it('distributes AND over the ORs that hold a subquery', async () => {
    expect(
      await sqlOf(
        `(project_id IN (SELECT id FROM projects) OR id = 1) AND (score IN (SELECT id FROM s) OR done) AND (id = 2 OR id = 3)`,
      ),
    ).toEqual([
      [
        `("project_id" IN (SELECT "id" FROM "projects"))`,
        `("score" IN (SELECT "id" FROM "s"))`,
        `(("id" = (2)) OR ("id" = (3)))`,
      ],
      [`("project_id" IN (SELECT "id" FROM "projects"))`, `"done"`, `(("id" = (2)) OR ("id" = (3)))`],
      [`("id" = (1))`, `("score" IN (SELECT "id" FROM "s"))`, `(("id" = (2)) OR ("id" = (3)))`],
      [`("id" = (1))`, `"done"`, `(("id" = (2)) OR ("id" = (3)))`],
    ])
  })

  it('keeps conditions without subqueries whole, NOT and OR included', async () => {
    expect(await sqlOf(`project_id IN (SELECT id FROM projects) AND NOT (done OR id = 2)`)).toEqual([
      [`("project_id" IN (SELECT "id" FROM "projects"))`, `(NOT ("done" OR ("id" = (2))))`],
    ])
  })

  it('keeps a negated subquery as one condition', async () => {
    expect(await sqlOf(`project_id NOT IN (SELECT id FROM projects) OR done`)).toEqual([
      [`(NOT ("project_id" IN (SELECT "id" FROM "projects")))`],
      [`"done"`],
    ])
  })

  it.each([
    `NOT (project_id IN (SELECT id FROM projects) AND done)`,
    `NOT (project_id IN (SELECT id FROM projects) OR done)`,
    `coalesce(project_id IN (SELECT id FROM projects), false)`,
  ])('refuses %s with a message naming the supported form', async (where) => {
    const error = await sqlOf(where).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WhereClauseError)
    expect((error as Error).message).toMatch(/column \[NOT\] IN \(SELECT …\)/)
  })

  it('refuses clauses that expand to too many alternatives', async () => {
    const where = Array.from({ length: 5 }, (_, index) => `(project_id IN (SELECT id FROM p${index}) OR id = ${index})`)
    const error = await sqlOf(where.join(' AND ')).catch((caught: unknown) => caught)
    expect((error as Error).message).toMatch(/more than 16/)
  })
})

describe('subquery form', () => {
  it.each([
    [`project_id IN (SELECT id FROM projects)`, { allowSubqueries: false }, /not supported here/],
    [`project_id IN (SELECT DISTINCT id FROM projects)`, {}, /one column from one table/],
    [`project_id IN (SELECT id FROM projects, teams)`, {}, /exactly one table/],
    [`project_id IN (SELECT id FROM ONLY projects)`, {}, /ONLY/],
    [`(project_id, id) IN (SELECT id, id FROM projects)`, {}, /plain column/],
    [`project_id <> ALL (SELECT id FROM projects)`, {}, /only `column IN/],
    [`project_id > ANY (SELECT id FROM projects)`, {}, /only `column IN/],
    [`EXISTS (SELECT 1 FROM projects)`, {}, /only `column IN/],
  ])('%s is refused', async (where, overrides, message) => {
    const error = await compileWhere(where, noParams, { ...context, ...overrides }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WhereClauseError)
    expect((error as Error).message).toMatch(message)
  })
})
