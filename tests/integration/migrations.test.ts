import { readFileSync } from 'node:fs'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../src/db/migrate'
import { REPLICATED_TABLES } from '../../src/sync/catalog'
import { createTestDatabase, type TestDatabase } from '../helpers/database'

const journalTags: string[] = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')).entries.map(
  (entry: { tag: string }) => entry.tag,
)

describe('migrations', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false })
  })
  afterAll(() => database.drop())

  it('apply once, then report that the database is up to date', async () => {
    const first: string[] = []
    const result = await migrateDatabase(database.url, { log: (l) => first.push(l) })
    expect(journalTags.slice(0, 2)).toEqual(['0000_init', '0001_replica_identity'])
    expect(result.applied).toEqual(journalTags)
    expect(first).toContain('Applied migration 0000_init')

    const second: string[] = []
    const again = await migrateDatabase(database.url, { log: (l) => second.push(l) })
    expect(again.applied).toEqual([])
    expect(second.join('\n')).toMatch(/up to date/)
  })

  it('runs concurrently from several instances without applying anything twice', async () => {
    const fresh = await createTestDatabase({ migrated: false })
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrateDatabase(fresh.url, { log: () => {} })))
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, journalTags.length])
    } finally {
      await fresh.drop()
    }
  })

  it('sets REPLICA IDENTITY FULL on every replicated table', async () => {
    const sql = postgres(database.url, { max: 1 })
    try {
      const rows = await sql<{ relname: string; relreplident: string }[]>`
        select relname, relreplident from pg_class where relname = any(${[...REPLICATED_TABLES]})`
      expect(rows).toHaveLength(REPLICATED_TABLES.length)
      for (const row of rows) expect(row, row.relname).toMatchObject({ relreplident: 'f' })
    } finally {
      await sql.end()
    }
  })

  it('fails with an actionable message when the database is unreachable', async () => {
    await expect(migrateDatabase('postgres://nobody:pw@127.0.0.1:1/none', { log: () => {} })).rejects.toThrow(
      /Cannot connect to the database at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none.*DATABASE_URL/s,
    )
  })
})
