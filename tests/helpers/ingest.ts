import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import { eq, sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client'
import { accounts, sessions, timelineEvents } from '../../src/db/schema'
import type { IngestTarget } from '../../src/server/ingest/ingest-run'
import { ingestStream } from '../../src/server/ingest/ingest-stream'
import { sessionUploadsRepository } from '../../src/server/repositories/session-uploads-repository'

const FIXTURES = fileURLToPath(new URL('../fixtures/agent-logs/', import.meta.url))

export function fixtureBytes(relativePath: string): Buffer {
  return readFileSync(`${FIXTURES}${relativePath}`)
}

export const CODEX_SMALL = 'codex/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl'
export const CODEX_SMALL_ID = '019c8bfe-ec25-79e0-97d7-bda6a9c575ff'
export const CODEX_SYNTHETIC = 'codex/synthetic-acme-api.jsonl'

export async function createAccount(db: Database, name = 'Ingest test') {
  const [account] = await db.insert(accounts).values({ name }).returning()
  return account
}

/** The body as a stream of small chunks, the way a request body or a file read arrives. */
export async function* chunked(bytes: Uint8Array, size = 7_919): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size)
}

export function uploadTarget(accountId: string, displayName = 'rollout.jsonl'): IngestTarget {
  return { accountId, source: 'upload', displayName, sourcePath: null }
}

export function ingestBytes(db: Database, accountId: string, bytes: Uint8Array, displayName?: string, maxBytes = 1e9) {
  return ingestStream(db, uploadTarget(accountId, displayName), chunked(bytes), { maxBytes, storeRaw: true })
}

export async function sessionsOf(db: Database, accountId: string) {
  return db.select().from(sessions).where(eq(sessions.accountId, accountId))
}

export async function eventsOf(db: Database, sessionId: string) {
  return db.select().from(timelineEvents).where(eq(timelineEvents.sessionId, sessionId)).orderBy(timelineEvents.ordinal)
}

export async function eventStats(db: Database, sessionId: string) {
  const [row] = await db.execute<{ n: number; max: number | null }>(
    sql`select count(*)::int as n, max(ordinal) as max from timeline_events where session_id = ${sessionId}`,
  )
  return row
}

/** The stored raw copy of the session's newest upload, decompressed. */
export async function storedRaw(db: Database, sessionId: string) {
  const upload = await sessionUploadsRepository.latestCompletedUpload(db, sessionId)
  if (!upload) return undefined
  const parts: Buffer[] = []
  for await (const chunk of sessionUploadsRepository.readChunks(db, upload.id)) parts.push(gunzipSync(chunk))
  return Buffer.concat(parts)
}

/** Polls an asynchronous probe until it returns a value (not undefined); for state written in the background. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
