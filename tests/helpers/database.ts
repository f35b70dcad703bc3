import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'

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
