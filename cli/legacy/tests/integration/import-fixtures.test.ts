/** The faithful import of the original product's sample files, checked against EXPECTED.json. */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LegacyImportResult } from '../../legacy-importer'
import { CODEX_HOME_SESSION_KEY, GEMINI_HOME_SESSION_KEY } from '../../legacy-sessions'
import {
  copyOf,
  EXPECTED,
  fingerprint,
  importInto,
  type LegacyTestDatabase,
  openTestDatabase,
  readJson,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
  snapshotDatabase,
} from './legacy-test-helpers'

type Imported = Extract<LegacyImportResult, { status: 'imported' }>

afterAll(removeTemporaryDirs)
describe('importing the sample legacy files', () => {
  let db: LegacyTestDatabase
  let dataDir: string
  let inputsBefore: ReturnType<typeof fingerprint>
  let result: Imported
  const fileMessages: Record<string, unknown>[] = readJson(join(SAMPLE_LEGACY_DATA, 'chat-messages.json'))
  const fileThreads: Record<string, unknown>[] = readJson(join(SAMPLE_LEGACY_DATA, 'chat-threads.json'))

  beforeAll(async () => {
    db = await openTestDatabase()
    dataDir = copyOf(SAMPLE_LEGACY_DATA)
    inputsBefore = fingerprint(dataDir)
    const outcome = await importInto(db, { dataDir })
    expect(outcome.status).toBe('imported')
    result = outcome as Imported
  })
  afterAll(async () => {
    await db.close()
  })

  it('ends with the numbers of EXPECTED.json', async () => {
    const [counts] = await db.sql`
      select (select count(*)::int from chat_threads) as threads, (select count(*)::int from chat_messages) as messages,
             (select count(*)::int from chat_tool_events) as "toolEvents"`
    expect(counts).toEqual({ threads: EXPECTED.threads, messages: EXPECTED.messages, toolEvents: EXPECTED.toolEvents })
    expect(result.report.skips.map((skip) => skip.label).sort()).toEqual([...EXPECTED.skipped].sort())
  })

  it('keeps every id of the files', async () => {
    const ids = new Set((await db.sql`select id from chat_messages`).map((row) => row.id))
    const fileIds = new Set(fileMessages.map((m) => m.id).filter(Boolean))
    expect(ids).toEqual(fileIds)
    const threadIds = (await db.sql`select id from chat_threads order by id`).map((row) => row.id)
    expect(threadIds).toEqual(fileThreads.map((t) => t.id).sort())
  })

  it('keeps the first record of the duplicated message id', async () => {
    const first = fileMessages.find((m) => m.id === EXPECTED.duplicateMessageId)
    const [stored] = await db.sql`select content from chat_messages where id = ${EXPECTED.duplicateMessageId}`
    expect(stored.content).toBe(first?.content)
    expect(stored.content).not.toMatch(/DUPLICATE/)
  })

  it('keeps one active thread for the doubly active (session, mode): the most recently updated', async () => {
    const { sessionId, mode } = EXPECTED.doubleActive
    const candidates = fileThreads.filter((t) => t.sessionId === sessionId && t.mode === mode && t.status === 'active')
    expect(candidates.length).toBeGreaterThan(1)
    const newest = [...candidates].sort((a, b) => Date.parse(String(b.updatedAt)) - Date.parse(String(a.updatedAt)))[0]
    const rows = await db.sql`
      select t.id, t.status from chat_threads t join sessions s on s.id = t.session_id
      where s.source_key = ${sessionId} and t.mode = ${mode} order by t.id`
    expect(rows.filter((r) => r.status === 'active').map((r) => r.id)).toEqual([newest.id])
    expect(rows).toHaveLength(candidates.length)
    expect(result.report.fixes.filter((f) => f.kind === 'thread-archived').map((f) => f.id)).toEqual(
      candidates.filter((t) => t !== newest).map((t) => t.id),
    )
  })

  it('puts the message without threadId into the active thread of its session and mode', async () => {
    const [orphan] = await db.sql`
      select m.thread_id, t.status, t.mode, s.source_key from chat_messages m
      join chat_threads t on t.id = m.thread_id join sessions s on s.id = t.session_id
      where m.id = ${EXPECTED.orphanMessageId}`
    const original = fileMessages.find((m) => m.id === EXPECTED.orphanMessageId)
    expect(orphan).toMatchObject({ status: 'active', mode: original?.mode, source_key: original?.sessionId })
    expect(result.report.fixes).toContainEqual(
      expect.objectContaining({ kind: 'thread-assigned', id: EXPECTED.orphanMessageId }),
    )
  })

  it('recounts messages per thread (EXPECTED counts the messages that name the thread)', async () => {
    const rows = await db.sql<{ thread_id: string; n: number }[]>`
      select thread_id, count(*)::int as n from chat_messages where id <> ${EXPECTED.orphanMessageId} group by thread_id`
    const named = Object.fromEntries(Object.keys(EXPECTED.threadMessageCounts).map((id) => [id, 0]))
    for (const row of rows) named[row.thread_id] = row.n
    expect(named).toEqual(EXPECTED.threadMessageCounts)

    const stale = await db.sql`
      select t.id from chat_threads t
      where t.message_count <> (select count(*) from chat_messages m where m.thread_id = t.id)`
    expect(stale).toEqual([])
    const [recounted] = await db.sql`select message_count from chat_threads where id = ${EXPECTED.recountThreadId}`
    expect(recounted.message_count).toBe(EXPECTED.threadMessageCounts[EXPECTED.recountThreadId])
    expect(fileThreads.find((t) => t.id === EXPECTED.recountThreadId)?.messageCount).not.toBe(recounted.message_count)
  })

  it('recomputes the preview and time of the last message, and numbers messages by (createdAt, id)', async () => {
    const wrong = await db.sql`
      select t.id from chat_threads t
      left join lateral (select content, created_at from chat_messages m where m.thread_id = t.id order by seq desc limit 1) last on true
      where t.last_message_preview is distinct from left(last.content, 280) or t.last_message_at is distinct from last.created_at`
    expect(wrong).toEqual([])
    const misordered = await db.sql`
      select id from (select id, seq, row_number() over (partition by thread_id order by created_at, id collate "C") as position
                      from chat_messages) ordered where seq <> position`
    expect(misordered).toEqual([])
  })

  it('stores the NUL character as U+FFFD and reports it', async () => {
    const original = String(fileMessages.find((m) => m.id === EXPECTED.nulMessageId)?.content)
    expect(original).toContain('\u0000')
    const [stored] = await db.sql`select content from chat_messages where id = ${EXPECTED.nulMessageId}`
    expect(stored.content).toBe(original.replaceAll('\u0000', '\uFFFD'))
    expect(result.report.fixes).toContainEqual(
      expect.objectContaining({ kind: 'nul-replaced', id: EXPECTED.nulMessageId, detail: 'in content' }),
    )
  })

  it('stores a 200 kB message whole and every message as complete', async () => {
    const [big] = await db.sql`select max(length(content))::int as length from chat_messages`
    expect(big.length).toBe(200_000)
    expect(await db.sql`select distinct status from chat_messages`).toEqual([{ status: 'complete' }])
  })

  it('imports stale "executing" tool events as they were', async () => {
    const fileEvents: Record<string, unknown>[] = readJson(join(SAMPLE_LEGACY_DATA, 'chat-tool-events.json'))
    const rows =
      await db.sql`select id, status, completed_at, thread_id, tool_call_id from chat_tool_events order by id`
    expect(rows.map((r) => [r.id, r.status, r.thread_id, r.tool_call_id])).toEqual(
      fileEvents.map((e) => [e.id, e.status, e.threadId, e.toolCallId]),
    )
    expect(rows.filter((r) => r.status === 'executing').every((r) => r.completed_at === null)).toBe(true)
  })

  it('maps each legacy session id to one legacy session whose title says where it came from', async () => {
    const sessions = await db.sql`select source_key, source, origin, title from sessions order by source_key`
    const keys = new Set([...fileThreads, ...fileMessages].map((r) => r.sessionId))
    expect(sessions.map((s) => s.source_key)).toEqual([...keys].sort())
    expect(sessions.every((s) => s.source === 'legacy' && /original product/.test(s.title))).toBe(true)
    const byKey = Object.fromEntries(sessions.map((s) => [s.source_key, s]))
    expect(byKey[CODEX_HOME_SESSION_KEY]).toMatchObject({ origin: 'codex', title: expect.stringMatching(/merged/) })
    expect(byKey[GEMINI_HOME_SESSION_KEY]).toMatchObject({
      origin: 'gemini-cli',
      title: expect.stringMatching(/merged/),
    })
  })

  it('took a backup before writing: the input files byte for byte and the (empty) tables', () => {
    for (const name of ['chat-threads.json', 'chat-messages.json', 'chat-tool-events.json']) {
      expect(
        readFileSync(join(result.backupPath, name)).equals(readFileSync(join(SAMPLE_LEGACY_DATA, name))),
        name,
      ).toBe(true)
    }
    expect(readJson(join(result.backupPath, 'database', 'chat_messages.json'))).toEqual([])
    expect(readJson(join(result.backupPath, 'manifest.json')).tables).toEqual({
      sessions: 0,
      chat_threads: 0,
      chat_messages: 0,
      chat_tool_events: 0,
      legacy_imports: 0,
    })
    expect(readJson(join(result.backupPath, 'import-report.json')).skips).toHaveLength(2)
    expect(result.backupPath.startsWith(join(dataDir, 'legacy-backup-'))).toBe(true)
  })

  it('records the file hashes and counts of the run', async () => {
    const runs = await db.sql`select file_name, sha256, size_bytes, counts, mode from legacy_imports order by file_name`
    expect(runs.map((r) => [r.file_name, r.sha256, Number(r.size_bytes), r.mode])).toEqual(
      ['chat-messages.json', 'chat-threads.json', 'chat-tool-events.json'].map((name) => {
        const bytes = readFileSync(join(SAMPLE_LEGACY_DATA, name))
        return [name, createHash('sha256').update(bytes).digest('hex'), bytes.length, 'import']
      }),
    )
    expect(runs[0].counts).toMatchObject({ read: 45, imported: 43, skipped: { 'missing-id': 1, 'duplicate-id': 1 } })
  })

  it('never modifies its input files', () => {
    const after = fingerprint(dataDir)
    for (const [name, before] of Object.entries(inputsBefore)) expect(after[name], name).toEqual(before)
  })

  it('changes nothing when run again with the same files, and says so', async () => {
    const before = await snapshotDatabase(db.sql)
    const again = await importInto(db, { dataDir })
    expect(again.status).toBe('nothing-to-do')
    expect(await snapshotDatabase(db.sql)).toEqual(before)
    expect(existsSync(result.backupPath)).toBe(true)
  })
})
