import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type postgres from 'postgres'
import { createDatabaseClient, type DatabaseClient } from '~/db/client'
import { createTestDatabase, type TestDatabase } from '../../../../tests/helpers/database'
import type { ImportOptions } from '../../cli-options'
import { importLegacyData } from '../../legacy-importer'

/** Sample files as the original product wrote them, with EXPECTED.json (what importing them must give). */
export const SAMPLE_LEGACY_DATA = fileURLToPath(new URL('../fixtures/sample-data/', import.meta.url))
/** Folders broken in one way each (see ../fixtures/README.md). */
export const MALFORMED_FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))

export interface Expected {
  threads: number
  messages: number
  toolEvents: number
  skipped: string[]
  orphanMessageId: string
  duplicateMessageId: string
  nulMessageId: string
  doubleActive: { sessionId: string; mode: string }
  recountThreadId: string
  threadMessageCounts: Record<string, number>
}

export const EXPECTED: Expected = JSON.parse(readFileSync(join(SAMPLE_LEGACY_DATA, 'EXPECTED.json'), 'utf8'))

export interface LegacyTestDatabase {
  database: TestDatabase
  client: DatabaseClient
  sql: postgres.Sql
  close(): Promise<void>
}

export async function openTestDatabase(): Promise<LegacyTestDatabase> {
  const database = await createTestDatabase()
  const client = createDatabaseClient(database.url, { max: 3 })
  return {
    database,
    client,
    sql: client.sql,
    async close() {
      await client.close()
      await database.drop()
    },
  }
}

const temporaryDirs: string[] = []

/** A writable copy of a fixture folder (backups go next to the data by default). */
export function copyOf(source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-import-'))
  temporaryDirs.push(dir)
  cpSync(source, dir, { recursive: true })
  return dir
}

export function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'legacy-import-'))
  temporaryDirs.push(dir)
  return dir
}

export function removeTemporaryDirs() {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}

export function importInto(db: LegacyTestDatabase, options: Partial<ImportOptions> & { dataDir: string }) {
  return importLegacyData({ dryRun: false, skipInvalid: false, forceMerge: false, ...options }, { db: db.client.db })
}

/** Everything the import may write, for "nothing changed" assertions. */
export async function snapshotDatabase(sql: postgres.Sql) {
  return {
    accounts: await sql`select * from accounts order by id`,
    sessions: await sql`select * from sessions order by id`,
    threads: await sql`select * from chat_threads order by id`,
    messages: await sql`select * from chat_messages order by id`,
    toolEvents: await sql`select * from chat_tool_events order by id`,
    imports: await sql`select * from legacy_imports order by id`,
  }
}

export async function countRows(sql: postgres.Sql) {
  const [row] = await sql<
    { sessions: number; threads: number; messages: number; tool_events: number; imports: number }[]
  >`
    select (select count(*)::int from sessions) as sessions, (select count(*)::int from chat_threads) as threads,
           (select count(*)::int from chat_messages) as messages, (select count(*)::int from chat_tool_events) as tool_events,
           (select count(*)::int from legacy_imports) as imports`
  return row
}

/** sha256 and mtime of every file under a folder, to prove inputs are never modified. */
export function fingerprint(dir: string) {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => statSync(join(dir, name)).isFile())
      .map((name) => [
        name,
        {
          sha256: createHash('sha256')
            .update(readFileSync(join(dir, name)))
            .digest('hex'),
          mtimeMs: statSync(join(dir, name)).mtimeMs,
        },
      ]),
  )
}

export const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'))
