import { describe, expect, it } from 'vitest'
import {
  compileOrderBy,
  compileWhere,
  type ExpressionContext,
  MAX_EXPRESSION_DEPTH,
  parameterMap,
  WhereClauseError,
} from '../../src/where-clause.ts'

const context: ExpressionContext = {
  columns: new Set(['id', 'title', 'done', 'user_ids', 'Status', 'created_at', 'status']),
  extraCastTypes: new Set(['mood']),
}
const params = (values: Record<string, string> = {}) =>
  new Map(Object.entries(values).map(([key, value]) => [Number(key), value]))

async function rejection(where: string, values: Record<string, string> = {}) {
  try {
    await compileWhere(where, params(values), context)
  } catch (error) {
    if (error instanceof WhereClauseError) return error
    throw error
  }
  throw new Error(`accepted: ${where}`)
}

describe('where clause validation', () => {
  it.each([
    'id = 1',
    '"Status" = $1 AND NOT done',
    "title ILIKE $1 OR title NOT LIKE '%x'",
    '$1 = ANY(user_ids)',
    'user_ids @> ARRAY[$1]::text[]',
    'id IN (1, 2, 3) AND id NOT IN (4)',
    'id BETWEEN 1 AND 10',
    "created_at > $1::timestamptz - interval '1 day'",
    "lower(title) = upper($1) AND length(title) > 2 AND concat(title, 'x') <> ''",
    "coalesce(title, '') = '' OR greatest(id, 2) = 2",
    'title IS NULL OR done IS NOT TRUE',
    'id IS DISTINCT FROM 3',
    "status::text = 'open' AND status = 'open'::mood",
    'true = true',
  ])('accepts %s', async (where) => {
    await expect(compileWhere(where, params({ 1: 'a' }), context)).resolves.toBeDefined()
  })

  it.each([
    ['id = 1; DROP TABLE x', 'single expression'],
    ['id = 1 ORDER BY id', 'Unexpected clause'],
    ['id = 1 LIMIT 1', 'Unexpected clause'],
    ['id = 1 UNION SELECT 1', 'Unexpected clause'],
    ['id IN (SELECT 1)', 'subqueries'],
    ['EXISTS (SELECT 1)', 'subqueries'],
    ['pg_sleep(1) IS NULL', 'unsupported function pg_sleep'],
    ['now() > created_at', 'unsupported function now'],
    ['created_at < CURRENT_DATE', 'non-deterministic'],
    ['random() < 0.5', 'unsupported function random'],
    ['count(*) > 1', 'unsupported function count'],
    ['x.id = 1', 'plain column names'],
    ['secret = 1', 'column "secret" does not exist'],
    ['id::regclass IS NULL', 'unsupported cast'],
    ['id OPERATOR(public.=) 1', 'qualified operators'],
    ["title ~ 'a'", 'unsupported operator "~"'],
    ['id % 2 = 0', 'unsupported operator "%"'],
    ['CASE WHEN done THEN true END', 'unsupported expression'],
    ["(id, title) = (1, 'a')", 'unsupported expression'],
    ['id = ', 'syntax error'],
  ])('rejects %s', async (where, message) => {
    expect((await rejection(where)).message).toContain(message)
  })

  it('requires every referenced parameter and reports it under params', async () => {
    const error = await rejection('id = $1 AND title = $3', { 1: '1', 2: 'unused' })
    expect(error.field).toBe('params')
    expect(error.message).toBe('parameter $3 was not provided')
  })

  it('renumbers parameters densely, drops comments and keeps literals intact', async () => {
    const compiled = await compileWhere(
      "title = $3 -- trailing comment\n AND /* inline */ id = $1 AND title <> '$2 -- not a comment' AND title = $3",
      params({ 1: 'one', 2: 'unused', 3: 'three' }),
      context,
    )
    expect(compiled.sql).toBe("title = $1  \n AND   id = $2 AND title <> '$2 -- not a comment' AND title = $1")
    expect(compiled.paramValues).toEqual(['three', 'one'])
    expect(compiled.render(10)).toContain('title = $11')
    expect(compiled.render(10)).toContain('id = $12')
    expect([...compiled.referencedColumns].sort()).toEqual(['id', 'title'])
  })

  it('handles multi-byte characters before parameters', async () => {
    const compiled = await compileWhere("title = 'ü☕𝄞' AND id = $1", params({ 1: '5' }), context)
    expect(compiled.sql).toBe("title = 'ü☕𝄞' AND id = $1")
  })

  it('validates ORDER BY lists without parameters or functions outside the whitelist', async () => {
    await expect(compileOrderBy('"Status" DESC NULLS LAST, lower(title), id', context)).resolves.toBe(
      '"Status" DESC NULLS LAST, lower(title), id',
    )
    await expect(compileOrderBy('id; DROP TABLE x', context)).rejects.toThrow(WhereClauseError)
    await expect(compileOrderBy('$1', context)).rejects.toThrow('parameters are not allowed')
    await expect(compileOrderBy('md5(title)', context)).rejects.toThrow('unsupported function md5')
    await expect(compileOrderBy('id USING <', context)).rejects.toThrow('USING')
  })

  it('accepts only positive integer parameter names with string values', () => {
    expect(parameterMap({ 1: 'a', 12: 'b' })).toEqual(
      new Map([
        [1, 'a'],
        [12, 'b'],
      ]),
    )
    expect(() => parameterMap({ 0: 'a' })).toThrow(WhereClauseError)
    expect(() => parameterMap({ x: 'a' })).toThrow(WhereClauseError)
    expect(() => parameterMap({ 1: 5 })).toThrow(WhereClauseError)
  })
})

/** The shapes of the security probe's 5,000-deep expressions (a stack overflow before the bound). */
const DEEP = 5_000
const deeplyNested = {
  'a chain of additions': `${'1+'.repeat(DEEP)}1 > 0`,
  'nested function calls': `${'lower('.repeat(DEEP)}title${')'.repeat(DEEP)} = 'x'`,
  'chained casts': `title${'::text'.repeat(DEEP)} = 'x'`,
}

describe('expression depth', () => {
  it.each(Object.entries(deeplyNested))(
    'refuses %s 5,000 deep with a message, in where and order_by',
    async (_, text) => {
      const error = await rejection(text)
      expect(error.message).toMatch(`nested more than ${MAX_EXPRESSION_DEPTH} levels deep`)
      const orderBy = text.replace(/ [=>] .*$/, '')
      await expect(compileOrderBy(orderBy, context)).rejects.toThrow(`nested more than ${MAX_EXPRESSION_DEPTH} levels`)
    },
  )

  it('accepts nesting up to the bound', async () => {
    const depthOf = (levels: number) => `title${'::text'.repeat(levels - 2)} = 'x'`
    await expect(compileWhere(depthOf(MAX_EXPRESSION_DEPTH), params(), context)).resolves.toBeDefined()
    expect((await rejection(depthOf(MAX_EXPRESSION_DEPTH + 1))).message).toMatch('nested more than')
  })
})
