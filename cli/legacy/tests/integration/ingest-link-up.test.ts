/**
 * Sessions made by `pnpm import:legacy` link up with their log when it is ingested later: a log
 * whose name the original id stands for alone takes the legacy row over (one session, the chats
 * and todos still attached, the events added); a log whose name only shares a prefix-id does not.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chatMessages, chatThreads, chatToolEvents, sessions, todos } from '~/db/schema'
import { legacySessionKey } from '~/domain/sessions/legacy-key'
import { ingestStream } from '~/server/ingest/ingest-stream'
import {
  CODEX_SMALL,
  CODEX_SMALL_ID,
  CODEX_SYNTHETIC,
  eventStats,
  fixtureBytes,
  ingestBytes,
  uploadTarget,
} from '../../../../tests/helpers/ingest'
import {
  copyOf,
  importInto,
  type LegacyTestDatabase,
  openTestDatabase,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
} from './legacy-test-helpers'

/** The sample's chats about uploads starting with "rollout-2025" (a prefix-id shared by many names). */
const SHARED_KEY = 'session-75706c6f6164732f726f6c6c6f75742d32303235'
const EXACT_NAME = 'acme.jsonl'
const EXACT_KEY = legacySessionKey(EXACT_NAME)
/** Larger than the 64 KiB content check, so its first chunk is parsed before the rest arrives. */
const CODEX_CLI = 'codex/rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl'
const CODEX_CLI_ID = '019c8a4d-8f45-7010-8b5d-7fad920aa6f9'

let db: LegacyTestDatabase

/** The sample data with the "rollout-2025" chats moved to the exact key of `acme.jsonl`. */
function legacyDataWithExactKey() {
  const dir = copyOf(SAMPLE_LEGACY_DATA)
  for (const name of readdirSync(dir).filter((file) => file.startsWith('chat-'))) {
    const path = join(dir, name)
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll(SHARED_KEY, EXACT_KEY))
  }
  return dir
}

async function legacyRow(key: string) {
  const [row] = await db.client.db.select().from(sessions).where(eq(sessions.sourceKey, key))
  return row
}

async function childCounts(sessionId: string) {
  const count = async (table: typeof chatThreads | typeof chatMessages | typeof chatToolEvents | typeof todos) => {
    const [row] = await db.client.db
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(eq(table.sessionId, sessionId))
    return row.n
  }
  return {
    threads: await count(chatThreads),
    messages: await count(chatMessages),
    toolEvents: await count(chatToolEvents),
    todos: await count(todos),
  }
}

beforeAll(async () => {
  db = await openTestDatabase()
  const result = await importInto(db, { dataDir: legacyDataWithExactKey() })
  expect(result.status).toBe('imported')
})
afterAll(async () => {
  await db.close()
  removeTemporaryDirs()
})

describe('legacy sessions meet their logs', () => {
  it('a failed upload of the log leaves the legacy session as it was', async () => {
    const legacy = await legacyRow(EXACT_KEY)
    const before = await childCounts(legacy.id)
    const bytes = fixtureBytes(CODEX_CLI)
    const cut = bytes.lastIndexOf(10, bytes.length - 2) + 1
    async function* breaksOff() {
      yield bytes.subarray(0, cut)
      // Past the batch interval, so the next line writes the first batch (which takes the row over)…
      await new Promise((resolve) => setTimeout(resolve, 300))
      yield bytes.subarray(cut)
      for (let waited = 0; !(await legacyRowTakenOver()); waited += 50) {
        if (waited > 20_000) throw new Error('the first batch never took the legacy row over')
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      // …and then the connection drops.
      throw new Error('connection reset')
    }
    const legacyRowTakenOver = async () =>
      (await db.client.db.select().from(sessions).where(eq(sessions.id, legacy.id)))[0]?.sourceKey === CODEX_CLI_ID
    await expect(
      ingestStream(db.client.db, uploadTarget(legacy.accountId, EXACT_NAME), breaksOff(), {
        maxBytes: 1e9,
        storeRaw: true,
      }),
    ).rejects.toThrow(/^connection reset$/)

    const after = await legacyRow(EXACT_KEY)
    expect(after).toMatchObject({ id: legacy.id, source: 'legacy', title: legacy.title, eventCount: 0 })
    expect((await eventStats(db.client.db, legacy.id)).n).toBe(0)
    expect(await childCounts(legacy.id)).toEqual(before)
  })

  it('the upload of the log its id names takes the legacy session over: one session, chats and todos kept', async () => {
    const legacy = await legacyRow(EXACT_KEY)
    await db.client.db.insert(todos).values({ accountId: legacy.accountId, sessionId: legacy.id, text: 'kept' })
    const before = await childCounts(legacy.id)
    expect(before.threads).toBeGreaterThan(0)
    expect(before.messages).toBeGreaterThan(0)
    expect(before.todos).toBe(1)

    const outcome = await ingestBytes(db.client.db, legacy.accountId, fixtureBytes(CODEX_SMALL), EXACT_NAME)

    expect(outcome.sessionId).toBe(legacy.id)
    const [session] = await db.client.db.select().from(sessions).where(eq(sessions.id, legacy.id))
    expect(session).toMatchObject({ sourceKey: CODEX_SMALL_ID, source: 'upload', legacyKey: EXACT_KEY })
    expect(session.title).not.toBe(legacy.title)
    expect(await legacyRow(EXACT_KEY)).toBeUndefined()
    expect(await childCounts(legacy.id)).toEqual(before)
    expect((await eventStats(db.client.db, legacy.id)).n).toBe(session.eventCount)
    expect(session.eventCount).toBeGreaterThan(0)

    // The same log again (uploaded or discovered) is still this one session.
    const again = await ingestBytes(db.client.db, legacy.accountId, fixtureBytes(CODEX_SMALL), EXACT_NAME)
    expect(again.sessionId).toBe(legacy.id)
    const owned = await db.client.db.select().from(sessions).where(eq(sessions.accountId, legacy.accountId))
    expect(owned.filter((row) => row.sourceKey === CODEX_SMALL_ID || row.sourceKey === EXACT_KEY)).toHaveLength(1)
  })

  it('importing the legacy data again finds the taken-over session instead of making a new one', async () => {
    const [taken] = await db.client.db.select().from(sessions).where(eq(sessions.legacyKey, EXACT_KEY))
    const before = await childCounts(taken.id)
    const [{ n: sessionCount }] = await db.sql<{ n: number }[]>`select count(*)::int as n from sessions`
    const result = await importInto(db, { dataDir: legacyDataWithExactKey(), forceMerge: true })
    expect(result.status).not.toBe('failed')
    expect(await legacyRow(EXACT_KEY)).toBeUndefined()
    const [{ n: sessionCountAfter }] = await db.sql<{ n: number }[]>`select count(*)::int as n from sessions`
    expect(sessionCountAfter).toBe(sessionCount)
    expect(await childCounts(taken.id)).toEqual(before)
  })

  it('a log whose name only shares a prefix-id with many others does not take a legacy session over', async () => {
    const result = await importInto(db, { dataDir: copyOf(SAMPLE_LEGACY_DATA), forceMerge: true })
    expect(result.status).not.toBe('failed')
    const shared = await legacyRow(SHARED_KEY)
    expect(shared).toBeDefined()
    const outcome = await ingestBytes(
      db.client.db,
      shared.accountId,
      fixtureBytes(CODEX_SYNTHETIC),
      'rollout-2025-12-18T10-00-00-demo.jsonl',
    )
    expect(outcome.sessionId).not.toBe(shared.id)
    const [ingested] = await db.client.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.id, outcome.sessionId), eq(sessions.source, 'upload')))
    expect(ingested.legacyKey).toBeNull()
    expect(await legacyRow(SHARED_KEY)).toMatchObject({ id: shared.id, source: 'legacy' })
  })
})
