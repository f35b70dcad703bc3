import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { ADVISORY_LOCK_KEYS } from './advisory-locks'

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))

export class MigrationError extends Error {}

interface JournalEntry {
  idx: number
  tag: string
  when: number
}

function readJournal(folder: string): JournalEntry[] {
  try {
    return JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')).entries
  } catch {
    return []
  }
}

export interface MigrationResult {
  applied: string[]
  alreadyApplied: number
}

/**
 * Applies the committed drizzle migrations under an advisory lock, so several instances starting
 * at once apply each migration exactly once.
 */
export async function migrateDatabase(
  databaseUrl: string,
  { log = console.log, folder = MIGRATIONS_FOLDER }: { log?: (line: string) => void; folder?: string } = {},
): Promise<MigrationResult> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 })
  try {
    try {
      await sql`select 1`
    } catch (error) {
      throw new MigrationError(
        `Cannot connect to the database at ${redactUrl(databaseUrl)}: ${(error as Error).message}. ` +
          'Check DATABASE_URL and that Postgres is running.',
      )
    }
    const [{ wal_level }] = await sql<{ wal_level: string }[]>`show wal_level`
    if (wal_level !== 'logical') {
      throw new MigrationError(
        `The database runs with wal_level=${wal_level}; Session Coach needs wal_level=logical for live sync. ` +
          'Set `wal_level = logical` in postgresql.conf (or `-c wal_level=logical`) and restart Postgres.',
      )
    }
    await sql`select pg_advisory_lock(${ADVISORY_LOCK_KEYS.migrations})`
    try {
      const before = await appliedHashes(sql)
      await migrate(drizzle(sql), { migrationsFolder: folder })
      const after = await appliedHashes(sql)
      const journal = readJournal(folder)
      const applied = journal.slice(before.length, after.length).map((entry) => entry.tag)
      if (applied.length === 0) log(`Database is up to date (${after.length} migrations applied earlier).`)
      else for (const tag of applied) log(`Applied migration ${tag}`)
      return { applied, alreadyApplied: before.length }
    } finally {
      await sql`select pg_advisory_unlock(${ADVISORY_LOCK_KEYS.migrations})`
    }
  } finally {
    await sql.end()
  }
}

async function appliedHashes(sql: postgres.Sql) {
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as exists`
  if (!exists) return []
  return sql<{ hash: string }[]>`select hash from drizzle.__drizzle_migrations order by id`
}

export function redactUrl(url: string) {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparseable URL)'
  }
}
