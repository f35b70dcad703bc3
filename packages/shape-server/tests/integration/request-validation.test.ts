import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getShape, type ShapeServerFixture, startFixture } from './support.ts'

const SECRET = 'test-secret-123'
/** Put into every rejected expression; Postgres must never see it. */
const MARKER = 'marker_7f3c9a'

let fixture: ShapeServerFixture
/** Every statement the server sent to Postgres. */
const statements: string[] = []

beforeAll(async () => {
  fixture = await startFixture({ secret: SECRET, onStatement: (sql) => statements.push(sql) })
  await fixture.sql.unsafe(`
    CREATE TABLE victims (id int PRIMARY KEY, name text, owner_id int);
    INSERT INTO victims VALUES (1, 'kept', 7);
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

function request(query: Record<string, string>) {
  return getShape(fixture.shapeUrl, { secret: SECRET, ...query })
}

function statementsWithMarker(): number {
  return statements.filter((sql) => sql.includes(MARKER)).length
}

const cases: Array<{ name: string; query: Record<string, string>; field: string; nested?: boolean }> = [
  { name: 'missing offset', query: { table: 'victims' }, field: 'offset' },
  { name: 'malformed offset', query: { table: 'victims', offset: '12-3' }, field: 'offset' },
  { name: 'offset without handle', query: { table: 'victims', offset: '0_0' }, field: 'handle' },
  { name: 'live with offset -1', query: { table: 'victims', offset: '-1', live: 'true' }, field: 'live' },
  { name: 'live with offset now', query: { table: 'victims', offset: 'now', live: 'true' }, field: 'live' },
  {
    name: 'live_sse without live',
    query: { table: 'victims', offset: '0_0', handle: 'h', live_sse: 'true' },
    field: 'live_sse',
  },
  {
    name: 'experimental_live_sse without live',
    query: { table: 'victims', offset: '0_0', handle: 'h', experimental_live_sse: 'true' },
    field: 'live_sse',
  },
  { name: 'missing table', query: { offset: '-1' }, field: 'table' },
  { name: 'unknown table', query: { table: 'nope', offset: '-1' }, field: 'table' },
  { name: 'quoted table with the wrong case', query: { table: '"Victims"', offset: '-1' }, field: 'table' },
  { name: 'bad table identifier', query: { table: 'a.b.c', offset: '-1' }, field: 'table' },
  { name: 'invalid replica', query: { table: 'victims', offset: '-1', replica: 'half' }, field: 'replica' },
  { name: 'invalid log mode', query: { table: 'victims', offset: '-1', log: 'some' }, field: 'log' },
  {
    name: 'columns without the primary key',
    query: { table: 'victims', offset: '-1', columns: 'name' },
    field: 'columns',
  },
  {
    name: 'unknown column in columns',
    query: { table: 'victims', offset: '-1', columns: 'id,secret' },
    field: 'columns',
  },
  {
    name: 'a second statement after ;',
    query: { table: 'victims', offset: '-1', where: `id = 1; DELETE FROM victims WHERE name <> '${MARKER}'` },
    field: 'where',
  },
  {
    name: 'a trailing clause',
    query: { table: 'victims', offset: '-1', where: `name = '${MARKER}' ORDER BY id` },
    field: 'where',
  },
  {
    name: 'a UNION',
    query: { table: 'victims', offset: '-1', where: `name = '${MARKER}' UNION SELECT 2` },
    field: 'where',
  },
  {
    name: 'a subquery',
    query: { table: 'victims', offset: '-1', where: `owner_id IN (SELECT 1 WHERE '${MARKER}' = '')` },
    field: 'where',
  },
  {
    name: 'a function outside the whitelist',
    query: { table: 'victims', offset: '-1', where: `pg_sleep(1) IS NULL AND name = '${MARKER}'` },
    field: 'where',
  },
  {
    name: 'a non-deterministic value',
    query: { table: 'victims', offset: '-1', where: `now() > '2020-01-01' AND name = '${MARKER}'` },
    field: 'where',
  },
  {
    name: 'a cast to a type outside the whitelist',
    query: { table: 'victims', offset: '-1', where: `'${MARKER}'::regclass IS NOT NULL` },
    field: 'where',
  },
  {
    name: 'a column that does not exist',
    query: { table: 'victims', offset: '-1', where: `password = '${MARKER}'` },
    field: 'where',
  },
  {
    name: 'a table-qualified column',
    query: { table: 'victims', offset: '-1', where: `pg_user.usename = '${MARKER}'` },
    field: 'where',
  },
  {
    name: 'a syntax error',
    query: { table: 'victims', offset: '-1', where: `name = '${MARKER}' AND AND` },
    field: 'where',
  },
  {
    name: 'a comment that would swallow the rest of the query',
    query: { table: 'victims', offset: '-1', where: `name = '${MARKER}') OR (true --` },
    field: 'where',
  },
  {
    name: 'a missing $n parameter',
    query: {
      table: 'victims',
      offset: '-1',
      where: `name = $1 AND owner_id = $2 AND '${MARKER}' = $1`,
      'params[1]': 'x',
    },
    field: 'params',
  },
  {
    name: 'a subquery in a subset where',
    query: {
      table: 'victims',
      offset: '-1',
      subset__where: `id IN (SELECT 1 WHERE '${MARKER}' = '')`,
    },
    field: 'where',
    nested: true,
  },
  {
    name: 'a subset where on a column outside queryable_columns',
    query: {
      table: 'victims',
      offset: '-1',
      queryable_columns: 'id,name',
      subset__where: `owner_id = 7 AND name <> '${MARKER}'`,
    },
    field: 'where',
    nested: true,
  },
  {
    name: 'a subset order_by on a column outside queryable_columns',
    query: {
      table: 'victims',
      offset: '-1',
      queryable_columns: '"id"',
      subset__where: 'true',
      subset__order_by: 'owner_id',
    },
    field: 'order_by',
    nested: true,
  },
  {
    name: 'an unknown column in queryable_columns',
    query: { table: 'victims', offset: '-1', queryable_columns: 'id,nope' },
    field: 'queryable_columns',
  },
  {
    name: 'a subset limit without order_by',
    query: { table: 'victims', offset: '-1', subset__where: 'true = true', subset__limit: '5' },
    field: 'order_by',
    nested: true,
  },
  {
    name: 'a zero subset limit',
    query: { table: 'victims', offset: '-1', subset__where: 'true', subset__limit: '0', subset__order_by: 'id' },
    field: 'limit',
    nested: true,
  },
  {
    name: 'a subset order_by with a function outside the whitelist',
    query: { table: 'victims', offset: '-1', subset__where: 'true', subset__order_by: `md5(name || '${MARKER}')` },
    field: 'order_by',
    nested: true,
  },
  {
    name: 'malformed subset params',
    query: { table: 'victims', offset: '-1', subset__where: 'id = $1', subset__params: '[1]' },
    field: 'params',
    nested: true,
  },
]

describe('request validation', () => {
  it.each(cases)('rejects $name with 400 before reaching Postgres', async ({ query, field, nested }) => {
    const response = await request(query)
    expect(response.status).toBe(400)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = response.body as { message: string; errors: Record<string, unknown> }
    expect(body.message).toBe('Invalid request')
    const errors = (nested ? body.errors.subset : body.errors) as Record<string, unknown>
    expect(Array.isArray(errors[field]), JSON.stringify(body)).toBe(true)
    expect(typeof (errors[field] as unknown[])[0]).toBe('string')
    expect(statementsWithMarker()).toBe(0)
  })

  it('rejects a POST body that is not a JSON object', async () => {
    const response = await fetch(`${fixture.shapeUrl}?table=victims&offset=-1&secret=${SECRET}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["where"]',
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toBe('Invalid request')
  })

  it('rejects a where clause Postgres cannot type-check, with the parameters bound', async () => {
    const response = await request({
      table: 'victims',
      offset: '-1',
      where: 'owner_id = $1',
      'params[1]': "1'; DROP TABLE victims; --",
    })
    expect(response.status).toBe(400)
    expect((response.body as { errors: { where: string[] } }).errors.where[0]).toContain(
      'invalid input syntax for type integer',
    )
    const [{ count }] = await fixture.sql<{ count: string }[]>`SELECT count(*)::text AS count FROM victims`
    expect(count).toBe('1')
  })

  it('treats parameters as values, never as SQL', async () => {
    const response = await request({
      table: 'victims',
      offset: '-1',
      where: 'name = $1',
      'params[1]': "kept' OR '1'='1",
    })
    expect(response.status).toBe(200)
    expect((response.body as unknown[]).filter((item) => (item as { key?: string }).key)).toHaveLength(0)
  })

  it('requires the secret', async () => {
    const missing = await getShape(fixture.shapeUrl, { table: 'victims', offset: '-1' })
    expect(missing.status).toBe(401)
    expect(missing.body).toEqual({ message: 'Unauthorized - Invalid API secret' })
    const wrong = await getShape(fixture.shapeUrl, { table: 'victims', offset: '-1', secret: 'test-secret-124' })
    expect(wrong.status).toBe(401)
    const legacy = await getShape(fixture.shapeUrl, { table: 'victims', offset: '-1', api_secret: SECRET })
    expect(legacy.status).toBe(200)
    const health = await fetch(`${fixture.server.url}/v1/health`)
    expect(health.status).toBe(200)
  })

  it('would notice a rejected expression reaching Postgres (control for the marker check)', async () => {
    const accepted = await request({ table: 'victims', offset: '-1', where: `name <> '${MARKER}'` })
    expect(accepted.status).toBe(200)
    expect(statementsWithMarker()).toBeGreaterThan(0)
  })

  it('ignores unknown parameters', async () => {
    const response = await request({
      table: 'victims',
      offset: '-1',
      expired_handle: 'x',
      'cache-buster': 'y',
      shape: 'todos',
    })
    expect(response.status).toBe(200)
  })
})
