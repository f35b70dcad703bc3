import { describe, expect, it } from 'vitest'
import { type Canonicalizer, compileRowMatcher, compileRowPredicate } from '../../src/row-predicate.ts'
import { compileWhere } from '../../src/where-clause.ts'
import { row, table } from './shape-fixtures.ts'

const items = table('items', [
  ['id', 'int4', { pk: 0 }],
  ['owner', 'text'],
  ['done', 'bool'],
  ['mood', 'mood', { kind: 'e' }],
  ['amount', 'numeric'],
])

/** What Postgres' output functions would return for these literals. */
const canonicalize: Canonicalizer = async (values) =>
  values.map(({ castType, text }) => {
    if (castType === 'pg_catalog.bool') return ['t', 'true', 'yes', 'on', '1'].includes(text.toLowerCase()) ? 't' : 'f'
    if (castType === 'pg_catalog.int4') return String(Number(text))
    return text
  })

async function predicate(where: string, params: Record<string, string> = {}) {
  const compiled = await compileWhere(
    where,
    new Map(Object.entries(params).map(([key, value]) => [Number(key), value])),
    { columns: new Set(items.columns.map((column) => column.name)), extraCastTypes: new Set(['mood']) },
  )
  return compileRowPredicate(compiled, items, canonicalize)
}

const ann = row({ id: '7', owner: 'ann', done: 'f', mood: 'happy', amount: '1.50' })
const nobody = row({ id: '8', owner: null, done: null, mood: 'sad', amount: null })

describe('in-process row predicates', () => {
  it('evaluates equality against normalised literals and parameters', async () => {
    expect((await predicate('id = $1', { 1: '007' }))?.(ann)).toBe(true)
    expect((await predicate('owner = $1', { 1: 'ann' }))?.(ann)).toBe(true)
    expect((await predicate('owner <> $1', { 1: 'ann' }))?.(ann)).toBe(false)
    expect((await predicate('done = false'))?.(ann)).toBe(true)
    expect((await predicate("done = 'yes'"))?.(ann)).toBe(false)
    expect((await predicate('mood::text = $1', { 1: 'happy' }))?.(ann)).toBe(true)
    expect((await predicate('id IN (1, 7, 9)'))?.(ann)).toBe(true)
    expect((await predicate('id NOT IN (1, 7)'))?.(ann)).toBe(false)
  })

  it('follows SQL three-valued logic for NULL', async () => {
    expect((await predicate('owner = $1', { 1: 'ann' }))?.(nobody)).toBe(false)
    expect((await predicate('owner <> $1', { 1: 'ann' }))?.(nobody)).toBe(false)
    expect((await predicate('NOT (owner = $1)', { 1: 'ann' }))?.(nobody)).toBe(false)
    expect((await predicate('owner IS NULL'))?.(nobody)).toBe(true)
    expect((await predicate('owner = $1 OR id = 8', { 1: 'x' }))?.(nobody)).toBe(true)
    expect((await predicate('done IS NOT TRUE'))?.(nobody)).toBe(true)
    expect((await predicate('done IS UNKNOWN AND NOT (id = 1)'))?.(nobody)).toBe(true)
    expect((await predicate('true = true'))?.(nobody)).toBe(true)
  })

  it('leaves clauses whose text equality is not value equality to Postgres', async () => {
    expect(await predicate("amount = '1.5'")).toBeUndefined()
    expect(await predicate('id > 5')).toBeUndefined()
    expect(await predicate('lower(owner) = $1', { 1: 'ann' })).toBeUndefined()
    expect(await predicate('id = 1.0')).toBeUndefined()
    expect(await predicate('owner = ANY($1)', { 1: '{ann}' })).toBeUndefined()
    expect(await predicate('done::text = $1', { 1: 'true' })).toBeUndefined()
  })
})

describe('equality keys for the shape index', () => {
  async function keyOf(where: string, params: Record<string, string> = {}) {
    const compiled = await compileWhere(
      where,
      new Map(Object.entries(params).map(([key, value]) => [Number(key), value])),
      { columns: new Set(items.columns.map((column) => column.name)), extraCastTypes: new Set(['mood']) },
    )
    return (await compileRowMatcher(compiled, items, canonicalize))?.equality
  }

  it('finds the equality a clause implies, with normalised values', async () => {
    expect(await keyOf('owner = $1', { 1: 'ann' })).toEqual({ column: 'owner', values: ['ann'] })
    expect(await keyOf('$1 = id', { 1: '007' })).toEqual({ column: 'id', values: ['7'] })
    expect(await keyOf("owner IN ('ann', 'bob')")).toEqual({ column: 'owner', values: ['ann', 'bob'] })
    expect(await keyOf("done AND owner = 'ann'")).toEqual({ column: 'owner', values: ['ann'] })
    expect(await keyOf("mood::text = 'happy'")).toEqual({ column: 'mood', values: ['happy'] })
  })

  it('finds none where a row outside the values could still match', async () => {
    for (const where of [
      "owner <> 'ann'",
      "NOT (owner = 'ann')",
      "owner = 'ann' OR done",
      "owner NOT IN ('ann')",
      'done',
    ]) {
      expect(await keyOf(where), where).toBeUndefined()
    }
  })
})
