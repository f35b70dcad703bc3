/** Generated input large enough to stream in many chunks and batches, with progress output. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importLegacyData, type LegacyImportResult } from '../../legacy-importer'
import { throttledProgress } from '../../progress'
import { type GeneratedLegacyData, generateLegacyFiles } from '../fixtures/generate-legacy-files'
import { emptyDir, type LegacyTestDatabase, openTestDatabase, removeTemporaryDirs } from './legacy-test-helpers'

afterAll(removeTemporaryDirs)
describe('a generated input of 20k messages, 1k threads and 5k tool events', () => {
  let db: LegacyTestDatabase
  let generated: GeneratedLegacyData
  let result: LegacyImportResult
  const progressLines: string[] = []

  beforeAll(async () => {
    db = await openTestDatabase()
    const dataDir = emptyDir()
    generated = await generateLegacyFiles(dataDir, { threads: 1_000, messages: 20_000, toolEvents: 5_000, seed: 7 })
    result = await importLegacyData(
      { dataDir, dryRun: false, skipInvalid: false, forceMerge: false },
      { db: db.client.db, progress: throttledProgress((line) => progressLines.push(line), 0) },
    )
  }, 120_000)
  afterAll(async () => {
    await db.close()
  })

  it('imports every record', async () => {
    expect(result.status).toBe('imported')
    const [counts] = await db.sql`
      select (select count(*)::int from chat_threads) as threads, (select count(*)::int from chat_messages) as messages,
             (select count(*)::int from chat_tool_events) as tool_events, (select count(*)::int from sessions) as sessions`
    expect(counts).toEqual({
      threads: generated.threads,
      messages: generated.messages,
      tool_events: generated.toolEvents,
      sessions: generated.sessionKeys.length,
    })
  })

  it('places every message without threadId in the active thread of its session and mode', async () => {
    expect(generated.orphanMessages).toBeGreaterThan(50)
    expect(result.status === 'imported' && result.report.files.messages.fixes['thread-assigned']).toBe(
      generated.orphanMessages,
    )
    const [{ misplaced }] = await db.sql`
      select count(*)::int as misplaced from chat_messages m join chat_threads t on t.id = m.thread_id
      where t.session_id <> m.session_id or t.mode <> m.mode`
    expect(misplaced).toBe(0)
  })

  it('numbers each thread 1..n in (createdAt, id) order and stores matching counters', async () => {
    const [{ misnumbered }] = await db.sql`
      select count(*)::int as misnumbered from (
        select seq, row_number() over (partition by thread_id order by created_at, id collate "C") as position
        from chat_messages) ordered where seq <> position`
    expect(misnumbered).toBe(0)
    const [{ stale }] = await db.sql`
      select count(*)::int as stale from chat_threads t
      where message_count <> (select count(*) from chat_messages m where m.thread_id = t.id)`
    expect(stale).toBe(0)
  })

  it('reports progress while reading and writing', () => {
    expect(
      progressLines.some((line) => /^Reading chat-messages\.json: [\d.]+ MB of [\d.]+ MB, [\d,]+ records$/.test(line)),
    ).toBe(true)
    expect(progressLines.some((line) => /^Writing chat-messages\.json: [\d,]+ of 20,000 records$/.test(line))).toBe(
      true,
    )
  })
})
