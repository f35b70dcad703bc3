import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { inject } from 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL (database `postgres`) of a cluster with wal_level=logical, from global setup. */
    adminDatabaseUrl: string
  }
}

export interface TestDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** An empty database of its own for one test file, on the cluster that global setup provides. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl')
  const name = `shapes_${randomBytes(6).toString('hex')}`
  await withAdmin(adminUrl, (admin) => admin.unsafe(`CREATE DATABASE ${name}`))
  return {
    name,
    url: adminUrl.replace(/\/postgres$/, `/${name}`),
    drop: () =>
      withAdmin(adminUrl, async (admin) => {
        // A server that crashed in a test, or one that stored its shapes, leaves its slot behind, and a
        // slot keeps the database in use. The walsender of a server that just stopped may still be
        // exiting (its slot still active) for a moment.
        for (let waited = 0; waited < 10_000; waited += 100) {
          const [{ active }] = await admin.unsafe<{ active: number }[]>(
            `SELECT count(*)::int AS active FROM pg_replication_slots WHERE database = '${name}' AND active`,
          )
          if (active === 0) break
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        await admin.unsafe(
          `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '${name}' AND NOT active`,
        )
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      }),
  }
}

async function withAdmin<T>(adminUrl: string, use: (admin: postgres.Sql) => Promise<T>): Promise<T> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    return await use(admin)
  } finally {
    await admin.end()
  }
}
