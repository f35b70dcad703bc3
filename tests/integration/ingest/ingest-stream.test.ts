import { createHash } from 'node:crypto'
import { count, eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { sessions, sessionUploads } from '../../../src/db/schema'
import { CodexParser } from '../../../src/domain/agent-logs/codex/parser'
import { IngestRejection } from '../../../src/server/ingest/ingest-stream'
import { databaseForThisFile } from '../../helpers/database'
import {
  CODEX_SMALL,
  CODEX_SMALL_ID,
  CODEX_SYNTHETIC,
  createAccount,
  eventStats,
  eventsOf,
  fixtureBytes,
  ingestBytes,
  sessionsOf,
  storedRaw,
} from '../../helpers/ingest'

const testDb = databaseForThisFile()

/** What the parser alone makes of a log: the reference the database must match. */
function parseDirectly(bytes: Buffer) {
  const parser = new CodexParser()
  const lines = bytes.toString('utf8').split('\n')
  if (lines.at(-1) === '') lines.pop()
  let events = 0
  lines.forEach((line, index) => {
    events += parser.push(line, index + 1).length
  })
  const end = parser.finish()
  return { events: events + end.events.length, info: end.info }
}

async function expectRejected(promise: Promise<unknown>, kind: IngestRejection['kind'], message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(IngestRejection)
  expect((error as IngestRejection).kind).toBe(kind)
  expect((error as IngestRejection).message).toMatch(message)
}

describe('ingesting a Codex rollout', () => {
  it('stores every event the parser emits and the session row the explorer needs', async () => {
    const account = await createAccount(testDb.db)
    const bytes = fixtureBytes(CODEX_SMALL)
    const expected = parseDirectly(bytes)
    const outcome = await ingestBytes(testDb.db, account.id, bytes, 'rollout-small.jsonl')

    expect(outcome.eventCount).toBe(expected.events)
    const stats = await eventStats(testDb.db, outcome.sessionId)
    expect(stats.n).toBe(expected.events)
    expect(stats.max).toBe(expected.events - 1)

    const [session] = await sessionsOf(testDb.db, account.id)
    expect(session).toMatchObject({
      id: outcome.sessionId,
      sourceKey: CODEX_SMALL_ID,
      origin: 'codex',
      source: 'upload',
      status: 'complete',
      originalName: 'rollout-small.jsonl',
      branch: expected.info.branch,
      repoName: expected.info.repoName,
      cliVersion: '0.104.0-alpha.1',
      eventCount: expected.events,
      errorLineCount: expected.info.errorLineCount,
      sizeBytes: bytes.length,
      inputTokens: expected.info.inputTokens,
      outputTokens: expected.info.outputTokens,
    })
    expect(session.title.length).toBeGreaterThan(0)
    expect(session.startedAt).toBeInstanceOf(Date)
    // `uploads/rollout.jsonl` is longer than the 20 bytes the original id kept: no particular legacy id.
    expect(session.legacyKey).toBeNull()
  })

  it('keeps the raw upload, byte for byte, out of every shape', async () => {
    const account = await createAccount(testDb.db)
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const outcome = await ingestBytes(testDb.db, account.id, bytes)
    expect((await storedRaw(testDb.db, outcome.sessionId))?.equals(bytes)).toBe(true)
    const [upload] = await testDb.db
      .select()
      .from(sessionUploads)
      .where(eq(sessionUploads.sessionId, outcome.sessionId))
    expect(upload.contentSha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(upload.sizeBytes).toBe(bytes.length)
  })

  it('counts the malformed line of the synthetic rollout and keeps its reason', async () => {
    const account = await createAccount(testDb.db)
    const outcome = await ingestBytes(testDb.db, account.id, fixtureBytes(CODEX_SYNTHETIC))
    expect(outcome.errorLineCount).toBeGreaterThanOrEqual(1)
    const [session] = await sessionsOf(testDb.db, account.id)
    expect(session.errorLineCount).toBe(outcome.errorLineCount)
    expect((session.malformedLines as { reason: string }[])[0].reason.length).toBeGreaterThan(5)
  })
})

describe('identity and dedupe', () => {
  it('the same log uploaded again updates its session: one session, no duplicated events, one raw copy', async () => {
    const account = await createAccount(testDb.db)
    const bytes = fixtureBytes(CODEX_SMALL)
    const first = await ingestBytes(testDb.db, account.id, bytes)
    const second = await ingestBytes(testDb.db, account.id, bytes)
    expect(second.sessionId).toBe(first.sessionId)
    expect(second.duplicate).toBe(true)
    expect((await eventStats(testDb.db, first.sessionId)).n).toBe(first.eventCount)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(1)
    const [{ uploads }] = await testDb.db
      .select({ uploads: count() })
      .from(sessionUploads)
      .where(eq(sessionUploads.sessionId, first.sessionId))
    expect(uploads).toBe(1)
  })

  it('concurrent uploads of one file end in one session with each event once', async () => {
    const account = await createAccount(testDb.db)
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const outcomes = await Promise.all([1, 2, 3].map(() => ingestBytes(testDb.db, account.id, bytes)))
    expect(new Set(outcomes.map((o) => o.sessionId)).size).toBe(1)
    const sessionId = outcomes[0].sessionId
    expect((await eventStats(testDb.db, sessionId)).n).toBe(outcomes[0].eventCount)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(1)
    const [session] = await sessionsOf(testDb.db, account.id)
    expect(session.eventCount).toBe(outcomes[0].eventCount)
  })

  it('a log without a session id is keyed by the sha256 of its content, also when uploaded twice at once', async () => {
    const account = await createAccount(testDb.db)
    const text = fixtureBytes(CODEX_SMALL).toString('utf8').split('\n').slice(1).join('\n')
    const bytes = Buffer.from(text)
    const outcomes = await Promise.all([1, 2].map(() => ingestBytes(testDb.db, account.id, bytes)))
    expect(outcomes[0].sessionId).toBe(outcomes[1].sessionId)
    const rows = await sessionsOf(testDb.db, account.id)
    expect(rows).toHaveLength(1)
    expect(rows[0].sourceKey).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`)
    expect((await eventStats(testDb.db, rows[0].id)).n).toBe(outcomes[0].eventCount)
  })

  it('the same log in two accounts is two sessions', async () => {
    const [a, b] = [await createAccount(testDb.db), await createAccount(testDb.db)]
    const bytes = fixtureBytes(CODEX_SMALL)
    const [first, second] = [await ingestBytes(testDb.db, a.id, bytes), await ingestBytes(testDb.db, b.id, bytes)]
    expect(first.sessionId).not.toBe(second.sessionId)
  })
})

describe('with the tables published for sync', () => {
  it('re-ingests, rewrites and deletes timeline events while a publication covers them', async () => {
    // The shape server (and Electric) publish every table a shape reads, with REPLICA IDENTITY
    // FULL; Postgres then refuses updates of tables whose replica identity has unpublished
    // generated columns, which once broke every upsert after the first timeline was opened.
    await testDb.db.execute(sql`create publication ingest_test_publication for table timeline_events, sessions`)
    try {
      const account = await createAccount(testDb.db)
      const bytes = fixtureBytes(CODEX_SMALL)
      const first = await ingestBytes(testDb.db, account.id, bytes)
      const again = await ingestBytes(testDb.db, account.id, bytes)
      expect(again.sessionId).toBe(first.sessionId)
      await testDb.db.execute(sql`update timeline_events set summary = 'changed' where session_id = ${first.sessionId}`)
      await ingestBytes(testDb.db, account.id, bytes)
      await testDb.db.delete(sessions).where(eq(sessions.id, first.sessionId))
      expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
    } finally {
      await testDb.db.execute(sql`drop publication ingest_test_publication`)
    }
  })
})

describe('bad input: a clear message and nothing half-written', () => {
  const lines = (...items: unknown[]) => `${items.map((item) => JSON.stringify(item)).join('\n')}\n`
  const meta = (id: string) => ({
    timestamp: '2026-01-01T00:00:00.000Z',
    type: 'session_meta',
    payload: { id, timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w/demo', cli_version: '0.1.0' },
  })
  const userMessage = (text: string) => ({
    timestamp: '2026-01-01T00:00:01.000Z',
    type: 'response_item',
    payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  })

  it('refuses an empty file', async () => {
    const account = await createAccount(testDb.db)
    await expectRejected(ingestBytes(testDb.db, account.id, Buffer.alloc(0)), 'empty', /empty/)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })

  it('refuses a gzip archive and random binary', async () => {
    const account = await createAccount(testDb.db)
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4])
    await expectRejected(ingestBytes(testDb.db, account.id, gzip), 'binary', /gzip archive.*Decompress/)
    const noise = Buffer.alloc(4096, 0)
    for (let i = 0; i < noise.length; i += 3) noise[i] = i % 251
    await expectRejected(ingestBytes(testDb.db, account.id, noise), 'binary', /binary/)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })

  it('refuses text that is not UTF-8', async () => {
    const account = await createAccount(testDb.db)
    const latin1 = Buffer.from('{"type":"session_meta","x":"é'.repeat(200).replaceAll('é', '\u00e9'), 'latin1')
    await expectRejected(ingestBytes(testDb.db, account.id, latin1), 'undecodable', /not UTF-8/)
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lines(meta('x')), 'utf16le')])
    await expectRejected(ingestBytes(testDb.db, account.id, utf16), 'undecodable', /UTF-16/)
  })

  it('refuses a file that is not an agent log', async () => {
    const account = await createAccount(testDb.db)
    await expectRejected(
      ingestBytes(testDb.db, account.id, Buffer.from('hello\nworld\n'), 'notes.txt'),
      'unsupported',
      /not a Codex, Gemini CLI or Claude Code session log/,
    )
  })

  it('stores nothing when every line is malformed, and says which lines', async () => {
    const account = await createAccount(testDb.db)
    const broken = `{"type":"session_meta","payload":{"id":\n{"type":"response_item", oops}\nnot json\n`
    await expectRejected(
      ingestBytes(testDb.db, account.id, Buffer.from(broken), 'rollout-broken.jsonl'),
      'no-events',
      /3 lines could not be read \(line 1: .*Nothing was stored/,
    )
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })

  it('refuses a file over the limit and removes what it had written', async () => {
    const account = await createAccount(testDb.db)
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    await expectRejected(ingestBytes(testDb.db, account.id, bytes, 'big.jsonl', 20_000), 'too-large', /limit/)
    expect(await sessionsOf(testDb.db, account.id)).toHaveLength(0)
  })

  it('parses a 10 MB line and skips (and counts) a line over the 16 MB line limit', async () => {
    const account = await createAccount(testDb.db)
    const big = userMessage('x'.repeat(10 * 1024 * 1024))
    const huge = `{"type":"response_item","payload":"${'y'.repeat(17 * 1024 * 1024)}"}`
    const text = `${lines(meta('big-lines'), userMessage('first'), big)}${huge}\n${lines(userMessage('last'))}`
    const outcome = await ingestBytes(testDb.db, account.id, Buffer.from(text))
    const events = await eventsOf(testDb.db, outcome.sessionId)
    expect(events.map((e) => e.type)).toEqual(['Message', 'Message', 'Message'])
    expect(outcome.errorLineCount).toBe(1)
    expect(outcome.malformedLines[0]).toMatchObject({ lineNumber: 4 })
    expect(outcome.malformedLines[0].reason).toMatch(/over the 16 MB line limit/)
  })

  it('repairs invalid UTF-8 bytes and NUL inside a line, and keeps the line', async () => {
    const account = await createAccount(testDb.db)
    const bad = Buffer.concat([
      Buffer.from(lines(meta('repairs'))),
      Buffer.from(
        '{"timestamp":"2026-01-01T00:00:02.000Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"a',
      ),
      Buffer.from([0xc3, 0x28, 0x00]),
      Buffer.from('b \\u0000 c"}]}}\n'),
    ])
    const outcome = await ingestBytes(testDb.db, account.id, bad)
    expect(outcome.repairedLineCount).toBe(1)
    const [event] = await eventsOf(testDb.db, outcome.sessionId)
    const text = JSON.stringify(event.payload)
    expect(text).toContain('a\uFFFD(\uFFFDb \uFFFD c')
    expect(text).not.toContain('\u0000')
  })

  it('counts a truncated last line as malformed and keeps the lines before it', async () => {
    const account = await createAccount(testDb.db)
    const text = `${lines(meta('truncated'), userMessage('one'), userMessage('two'))}{"timestamp":"2026-01-01T00:00:03.000Z","type":"resp`
    const outcome = await ingestBytes(testDb.db, account.id, Buffer.from(text))
    expect(outcome.eventCount).toBe(2)
    expect(outcome.errorLineCount).toBe(1)
    expect(outcome.malformedLines[0]).toMatchObject({ lineNumber: 4 })
    expect(outcome.malformedLines[0].reason).toMatch(/ends early/)
  })
})
