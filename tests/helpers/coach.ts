import { asc, eq } from 'drizzle-orm'
import { loadConfig } from '../../app.config'
import type { Database } from '../../src/db/client'
import { chatMessages, chatThreads, chatToolEvents } from '../../src/db/schema'
import type { CoachStreamChunk, CoachStreamRequest } from '../../src/domain/coach/stream-protocol'
import { startCoachReply } from '../../src/server/coach/coach-reply'
import { misalignmentsRepository } from '../../src/server/repositories/misalignments-repository'
import { CODEX_SYNTHETIC, createAccount, fixtureBytes, ingestBytes, sessionsOf } from './ingest'

/** A configuration as the server would parse it, offline and without pauses unless told otherwise. */
export function coachConfig(env: Record<string, string> = {}) {
  return loadConfig({ ENV_FILE: 'none', COACH_OFFLINE_CHUNK_DELAY_MS: '0', ...env })
}

/** An account with the synthetic Codex session ingested and one open misalignment citing #3. */
export async function seedCoachSession(db: Database) {
  const account = await createAccount(db, 'Coach test')
  await ingestBytes(db, account.id, fixtureBytes(CODEX_SYNTHETIC), 'synthetic-acme-api.jsonl')
  const [session] = await sessionsOf(db, account.id)
  const { misalignment } = await misalignmentsRepository.upsertDetected(db, {
    accountId: account.id,
    sessionId: session.id,
    ruleId: 'no-force-push',
    title: 'Never force-push shared branches',
    summary: 'The agent force-pushed to main.',
    severity: 'high',
    eventRange: { startIndex: 2, endIndex: 2, startAt: '', endAt: '' },
    evidence: [{ message: 'git push --force origin main', eventIndex: 2 }],
  })
  return { account, session, misalignment }
}

/** Every NDJSON chunk of a response, once it ends. */
export async function readChunks(response: Response): Promise<CoachStreamChunk[]> {
  const text = await response.text()
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CoachStreamChunk)
}

/** Reads chunks until `until` holds, then leaves the rest of the stream to the caller. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  until: (chunk: CoachStreamChunk) => boolean,
): Promise<CoachStreamChunk[]> {
  const decoder = new TextDecoder()
  const chunks: CoachStreamChunk[] = []
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return chunks
    buffer += decoder.decode(value, { stream: true })
    let newline = buffer.indexOf('\n')
    while (newline >= 0) {
      const chunk = JSON.parse(buffer.slice(0, newline)) as CoachStreamChunk
      buffer = buffer.slice(newline + 1)
      chunks.push(chunk)
      if (until(chunk)) return chunks
      newline = buffer.indexOf('\n')
    }
  }
}

export function ask(
  db: Database,
  config: ReturnType<typeof coachConfig>,
  session: Parameters<typeof startCoachReply>[1],
  request: Partial<CoachStreamRequest> & { prompt: string },
) {
  return startCoachReply({ db, config }, session, {
    sessionId: session.id,
    mode: 'session',
    clientMessageId: crypto.randomUUID(),
    ...request,
  })
}

export async function threadRows(db: Database, sessionId: string) {
  const threads = await db.select().from(chatThreads).where(eq(chatThreads.sessionId, sessionId))
  const messages = await db
    .select()
    .from(chatMessages)
    .where(eq(chatMessages.sessionId, sessionId))
    .orderBy(asc(chatMessages.seq))
  const tools = await db.select().from(chatToolEvents).where(eq(chatToolEvents.sessionId, sessionId))
  return { threads, messages, tools }
}

export const textOf = (chunks: CoachStreamChunk[]) =>
  chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.value : '')).join('')
