import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, inject } from 'vitest'
import { createDatabaseClient, type Database, type DatabaseClient } from '../../src/db/client'

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/**
 * A fresh database for one test file. `migrated` clones the template that global setup migrated,
 * so every file starts from the real schema without re-running migrations.
 */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const shared = inject('sharedDatabaseUrl')
  if (shared) return { url: shared, name: 'shared', drop: async () => {} }
  const adminUrl = inject('adminDatabaseUrl')
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(
      migrated ? `CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}` : `CREATE DATABASE ${name}`,
    )
  } finally {
    await admin.end()
  }
  return {
    name,
    url: adminUrl.replace(/\/postgres$/, `/${name}`),
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await a.unsafe(
          `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '${name}' AND NOT active`,
        )
        await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await a.end()
      }
    },
  }
}

/**
 * A migrated database and a client for the whole test file, created before its tests and dropped
 * after them: `const testDb = databaseForThisFile()` then `testDb.db` inside tests.
 */
export function databaseForThisFile({ maxConnections = 10 } = {}) {
  let database: TestDatabase | undefined
  let client: DatabaseClient | undefined
  beforeAll(async () => {
    database = await createTestDatabase()
    client = createDatabaseClient(database.url, { max: maxConnections })
  })
  afterAll(async () => {
    await client?.close()
    await database?.drop()
  })
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only available inside tests and hooks`)
    return value
  }
  return {
    get db(): Database {
      return ready(client, 'testDb.db').db
    },
    get url(): string {
      return ready(database, 'testDb.url').url
    },
  }
}
