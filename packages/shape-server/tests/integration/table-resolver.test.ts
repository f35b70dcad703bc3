import type pg from 'pg'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createQueryPool } from '../../src/postgres-connections.ts'
import { InvalidRequestError } from '../../src/shape-request.ts'
import { TableResolver } from '../../src/table-resolver.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

let db: TestDatabase
let pool: pg.Pool
/** Catalog lookups sent to Postgres (the first query of `loadTableInfo`). */
let catalogQueries = 0

beforeAll(async () => {
  db = await createTestDatabase()
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  await sql.unsafe('CREATE TABLE items (id int PRIMARY KEY, owner text NOT NULL)')
  await sql.end()
  pool = createQueryPool(db.url, 4, (statement) => {
    if (statement.includes('FROM pg_class c JOIN pg_namespace n')) catalogQueries++
  })
})

afterAll(async () => {
  await pool?.end()
  await db?.drop()
})

it('answers many concurrent requests for a table whose cache entry expired with one catalog query', async () => {
  // Entries expire at once: every plain request needs a load, as after 5 s with thousands of long-polls.
  const resolver = new TableResolver(pool, 0)
  catalogQueries = 0
  const tables = await Promise.all(Array.from({ length: 50 }, () => resolver.resolve('items')))
  expect(catalogQueries).toBe(1)
  expect(new Set(tables).size).toBe(1)
  expect(tables[0].columns.map((column) => column.name)).toEqual(['id', 'owner'])

  // Nothing is kept beyond the cache's lifetime: the next request reads the catalog again.
  await resolver.resolve('items')
  expect(catalogQueries).toBe(2)
})

it('does not let a new shape join a catalog query that began before its request', async () => {
  const resolver = new TableResolver(pool, 0)
  catalogQueries = 0
  const plain = resolver.resolve('items')
  // A shape is built from the catalog as it is after the request arrived (a later ALTER shows).
  const forNewShape = resolver.resolve('items', { notOlderThan: Date.now() + 60_000 })
  const joining = resolver.resolve('items', { notOlderThan: Date.now() - 60_000 })
  await Promise.all([plain, forNewShape, joining])
  expect(catalogQueries).toBe(2)
  expect(await joining).toBe(await forNewShape)
})

it('answers concurrent requests for a missing table with one query and a 400 each', async () => {
  const resolver = new TableResolver(pool, 0)
  catalogQueries = 0
  const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => resolver.resolve('no_such_table')))
  expect(catalogQueries).toBe(1)
  for (const outcome of outcomes) {
    expect(outcome.status).toBe('rejected')
    const reason = (outcome as PromiseRejectedResult).reason
    expect(reason).toBeInstanceOf(InvalidRequestError)
    expect(JSON.stringify((reason as InvalidRequestError).errors)).toContain('does not exist')
  }
})
