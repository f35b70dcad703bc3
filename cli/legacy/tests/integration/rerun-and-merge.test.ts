/** Re-runs, changed files after an import (refused, then --force-merge), and imports that collide. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { formatImportResult, importExitCode } from '../../format-import-report'
import { BackupFolderError } from '../../import-backup'
import { ImportRolledBackError } from '../../legacy-importer'
import {
  copyOf,
  countRows,
  importInto,
  type LegacyTestDatabase,
  MALFORMED_FIXTURES,
  openTestDatabase,
  readJson,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
  snapshotDatabase,
} from './legacy-test-helpers'

const THREAD = 'thread_485167cd-c3a9-41bd-ad0b-6fe34dcff0e3'
const EDITED = 'chat_43164647-bb0e-4466-ab58-e07db240bbe4'
const NEW_MESSAGE = 'chat_00000000-0000-4000-a000-00000000beef'

type Json = Record<string, unknown>

/** The sample files as a later version of the old product would have written them. */
function writeNewerVersion(dataDir: string) {
  const path = join(dataDir, 'chat-messages.json')
  const messages: Json[] = readJson(path)
  const edited = messages.map((m) => (m.id === EDITED ? { ...m, content: 'edited after the first import' } : m))
  const dropped = edited.filter((m) => m.id !== 'chat_79b8e899-d719-4fb9-9e31-415df41441ce')
  dropped.push({
    id: NEW_MESSAGE,
    sessionId: 'session-75706c6f6164732f726f6c6c6f75742d32303235',
    mode: 'session',
    threadId: THREAD,
    role: 'assistant',
    content: 'a reply written in the old product after the first import',
    createdAt: '2025-12-15T09:20:00.000Z',
    updatedAt: '2025-12-15T09:20:00.000Z',
  })
  dropped.sort((a, b) => String(a.id ?? '').localeCompare(String(b.id ?? '')))
  writeFileSync(path, JSON.stringify(dropped, null, 2))
}

afterAll(removeTemporaryDirs)
describe('importing again', () => {
  let db: LegacyTestDatabase
  let dataDir: string
  beforeEach(async () => {
    db = await openTestDatabase()
    dataDir = copyOf(SAMPLE_LEGACY_DATA)
    expect((await importInto(db, { dataDir })).status).toBe('imported')
  })
  afterEach(() => db.close())

  it('refuses different files, explains which file differs, and changes nothing', async () => {
    writeNewerVersion(dataDir)
    const before = await snapshotDatabase(db.sql)
    const result = await importInto(db, { dataDir })
    expect(result.status).toBe('refused')
    if (result.status !== 'refused') return
    expect(result.previous.files.map((f) => [f.file, f.changed])).toEqual([
      ['chat-threads.json', false],
      ['chat-messages.json', true],
      ['chat-tool-events.json', false],
    ])
    expect(importExitCode(result)).toBe(3)
    expect(formatImportResult(result).join('\n')).toMatch(/chat-messages\.json: CHANGED[\s\S]*--force-merge/)
    expect(await snapshotDatabase(db.sql)).toEqual(before)
  })

  it('--force-merge upserts by id, keeps what the files no longer hold, and renumbers around newer messages', async () => {
    // A message the new app appended to the thread after the cutover (seq allocated as max + 1).
    await db.sql`
      insert into chat_messages (id, thread_id, session_id, account_id, mode, role, content, seq, created_at)
      select 'chat_app-after-cutover', t.id, t.session_id, t.account_id, t.mode, 'user', 'asked in the new app',
             (select max(seq) + 1 from chat_messages where thread_id = t.id), '2026-01-05T10:00:00Z'
      from chat_threads t where t.id = ${THREAD}`
    writeNewerVersion(dataDir)

    const result = await importInto(db, { dataDir, forceMerge: true })
    expect(result.status).toBe('imported')
    if (result.status !== 'imported') return
    expect(result.merged).toBe(true)
    // The backup holds the state before the merge, the app's message included.
    expect(readJson(join(result.backupPath, 'database', 'chat_messages.json'))).toHaveLength(44)

    const [edited] = await db.sql`select content from chat_messages where id = ${EDITED}`
    expect(edited.content).toBe('edited after the first import')
    const thread = await db.sql`select id, seq::int from chat_messages where thread_id = ${THREAD} order by seq`
    expect(thread.map((m) => m.id)).toEqual([
      'chat_79b8e899-d719-4fb9-9e31-415df41441ce',
      'chat_8972968f-a69b-43c0-ae4b-02628d55202f',
      NEW_MESSAGE,
      EDITED,
      'chat_app-after-cutover',
    ])
    expect(thread.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
    const [counters] = await db.sql`select message_count, last_message_preview from chat_threads where id = ${THREAD}`
    expect(counters).toEqual({ message_count: 5, last_message_preview: 'asked in the new app' })
    expect(await db.sql`select mode from legacy_imports order by finished_at desc limit 1`).toEqual([
      { mode: 'force-merge' },
    ])

    const again = await importInto(db, { dataDir, forceMerge: true })
    expect(again.status).toBe('nothing-to-do')
  })

  it('refuses to take ids that another account already holds', async () => {
    const [other] = await db.sql`insert into accounts (name) values ('Other') returning id`
    const before = await countRows(db.sql)
    const error = await importInto(db, { dataDir: copyOf(SAMPLE_LEGACY_DATA), account: { id: other.id } }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(ImportRolledBackError)
    expect((error as Error).message).toMatch(
      /already holds id .*\(imported before: into another account[\s\S]*rolled back/,
    )
    expect(await countRows(db.sql)).toEqual(before)
  })
})

describe('merging into an account whose ids another account holds', () => {
  it('stops, names the ids and the other account, and writes nothing', async () => {
    const db = await openTestDatabase()
    try {
      expect((await importInto(db, { dataDir: copyOf(SAMPLE_LEGACY_DATA) })).status).toBe('imported')
      const [other] = await db.sql`insert into accounts (name) values ('Other') returning id`
      const small = copyOf(join(MALFORMED_FIXTURES, 'missing-fields'))
      expect((await importInto(db, { dataDir: small, account: { id: other.id }, skipInvalid: true })).status).toBe(
        'imported',
      )
      const before = await snapshotDatabase(db.sql)

      const error = await importInto(db, {
        dataDir: copyOf(SAMPLE_LEGACY_DATA),
        account: { id: other.id },
        forceMerge: true,
      }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(ImportRolledBackError)
      expect((error as Error).message).toMatch(/chat_threads already holds ids thread_.* in another account\./)
      expect(await snapshotDatabase(db.sql)).toEqual(before)
    } finally {
      await db.close()
    }
  })
})

describe('a backup folder that is not empty', () => {
  it('stops the import before anything is written', async () => {
    const db = await openTestDatabase()
    try {
      const dataDir = copyOf(SAMPLE_LEGACY_DATA)
      const backupDir = join(dataDir, 'used-backup')
      mkdirSync(backupDir)
      writeFileSync(join(backupDir, 'something.txt'), 'kept')
      await expect(importInto(db, { dataDir, backupDir })).rejects.toThrow(BackupFolderError)
      expect(await countRows(db.sql)).toEqual({ sessions: 0, threads: 0, messages: 0, tool_events: 0, imports: 0 })
    } finally {
      await db.close()
    }
  })
})

describe('two imports at the same time', () => {
  it('one imports, the other stops without writing anything', async () => {
    const db = await openTestDatabase()
    try {
      const dataDir = copyOf(SAMPLE_LEGACY_DATA)
      const results = await Promise.allSettled([
        importInto(db, { dataDir, backupDir: join(dataDir, 'backup-a') }),
        importInto(db, { dataDir, backupDir: join(dataDir, 'backup-b') }),
      ])
      const imported = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'imported')
      const stopped = results.filter((r) => r.status === 'rejected')
      expect(imported).toHaveLength(1)
      expect(stopped).toHaveLength(1)
      expect(String((stopped[0] as PromiseRejectedResult).reason.message)).toMatch(
        /Another import .* Run the import again/,
      )
      expect(await countRows(db.sql)).toMatchObject({ messages: 43, imports: 3 })
    } finally {
      await db.close()
    }
  })
})
