/**
 * The incremental ingest API's pipeline against real Postgres: a log appended in chunks of any
 * size becomes exactly the events an upload of the whole file gives; repeated and overlapping
 * chunks change nothing; a chunk past the server's offset is refused with that offset; a partial
 * last line waits for the rest.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../../src/db/client'
import { pushedSources, sessions } from '../../../src/db/schema'
import { pushedFromLabel } from '../../../src/features/explorer/session-format'
import { appendPushedChunk, type PushChunk } from '../../../src/server/ingest/push/push-chunk'
import { downloadRawLog } from '../../../src/server/ingest/raw-download'
import { databaseForThisFile } from '../../helpers/database'
import { CODEX_SYNTHETIC, eventsOf, fixtureBytes, ingestBytes, sessionsOf } from '../../helpers/ingest'
import { seedAccountWithSession } from '../../helpers/seed'

const testDb = databaseForThisFile()
const CLAUDE = 'claude-code/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl'

type Owner = Awaited<ReturnType<typeof seedAccountWithSession>>

function push(owner: Owner, sourceKey: string, offset: number, bytes: Buffer, extra: Partial<PushChunk> = {}) {
  return appendPushedChunk(testDb.db, {
    principal: { account: owner.account, user: owner.user },
    machine: 'laptop-1',
    sourceKey,
    fileName: sourceKey.split('/').pop() as string,
    offset,
    bytes,
    complete: false,
    ...extra,
  })
}

/** What people see of an event; the session ids differ between the two ways in. */
async function eventShapes(db: Database, sessionId: string) {
  return (await eventsOf(db, sessionId)).map((event) => ({
    ordinal: event.ordinal,
    type: event.type,
    role: event.role,
    summary: event.summary,
    command: event.command,
  }))
}

async function pushedSession(owner: Owner, sessionId: string | null) {
  const [row] = await testDb.db
    .select()
    .from(sessions)
    .where(eq(sessions.id, sessionId as string))
  expect(row.accountId).toBe(owner.account.id)
  return row
}

describe('incremental ingest (appendPushedChunk)', () => {
  it('chunks of odd sizes, split mid-line, give the same events as one upload of the file', async () => {
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const owner = await seedAccountWithSession(testDb.db)
    const reference = await seedAccountWithSession(testDb.db, 'Reference')
    const uploaded = await ingestBytes(testDb.db, reference.account.id, bytes, 'synthetic-acme-api.jsonl')

    let offset = 0
    let sessionId: string | null = null
    for (const size of [1, 17, 333, 4096, 10, 70_000]) {
      if (offset >= bytes.length) break
      const outcome = await push(
        owner,
        '/home/dev/.codex/sessions/synthetic-acme-api.jsonl',
        offset,
        bytes.subarray(offset, offset + size),
      )
      expect(outcome.kind).toBe('appended')
      if (outcome.kind !== 'appended') return
      offset = outcome.offset
      sessionId = outcome.sessionId ?? sessionId
    }
    while (offset < bytes.length) {
      const outcome = await push(
        owner,
        '/home/dev/.codex/sessions/synthetic-acme-api.jsonl',
        offset,
        bytes.subarray(offset, offset + 5_000),
      )
      if (outcome.kind !== 'appended') throw new Error(outcome.kind)
      offset = outcome.offset
      sessionId = outcome.sessionId ?? sessionId
    }
    expect(offset).toBe(bytes.length)
    const session = await pushedSession(owner, sessionId)
    expect(session.source).toBe('pushed')
    expect(session.machine).toBe('laptop-1')
    expect(session.pushedByUserId).toBe(owner.user.id)
    expect(session.pushedByName).toBe(owner.user.displayName)
    expect(session.status).toBe('live')
    expect(session.sourcePath).toBeNull()
    expect(pushedFromLabel(session)).toBe(`laptop-1 · ${owner.user.displayName}`)
    // No raw copy is kept of a pushed log, and the download says so.
    const raw = await downloadRawLog(testDb.db, owner.account.id, session.id)
    expect(raw.status).toBe(404)
    expect(((await raw.json()) as { message: string }).message).toMatch(/pushed from laptop-1.*Export it instead/)
    expect(await eventShapes(testDb.db, session.id)).toEqual(await eventShapes(testDb.db, uploaded.sessionId))
    expect(session.eventCount).toBe(uploaded.eventCount)
  })

  it('a repeated or overlapping chunk changes nothing; a chunk past the server offset gets 409 with it', async () => {
    const bytes = fixtureBytes(CLAUDE)
    const owner = await seedAccountWithSession(testDb.db)
    const key = '/home/dev/.claude/projects/x/1af7fc5e.jsonl'
    const half = Math.floor(bytes.length / 2)
    const first = await push(owner, key, 0, bytes.subarray(0, half))
    expect(first).toMatchObject({ kind: 'appended', offset: half, appended: half })
    if (first.kind !== 'appended') return
    const eventsAfterFirst = await eventShapes(testDb.db, first.sessionId as string)

    expect(await push(owner, key, 0, bytes.subarray(0, half))).toMatchObject({
      kind: 'appended',
      offset: half,
      appended: 0,
    })
    expect(await push(owner, key, 10, bytes.subarray(10, half))).toMatchObject({ offset: half, appended: 0 })
    expect(await eventShapes(testDb.db, first.sessionId as string)).toEqual(eventsAfterFirst)

    expect(await push(owner, key, half + 100, bytes.subarray(half + 100))).toEqual({
      kind: 'offset-conflict',
      offset: half,
    })

    // Overlap: starts before the server's offset and runs past it; only the new bytes count.
    const rest = await push(owner, key, half - 500, bytes.subarray(half - 500))
    expect(rest).toMatchObject({ kind: 'appended', offset: bytes.length, appended: bytes.length - half })
    const again = await push(owner, key, 0, bytes)
    expect(again).toMatchObject({ offset: bytes.length, appended: 0 })

    const reference = await seedAccountWithSession(testDb.db, 'Reference')
    const uploaded = await ingestBytes(testDb.db, reference.account.id, bytes, '1af7fc5e.jsonl')
    const pushedEvents = await eventShapes(testDb.db, first.sessionId as string)
    const uploadedEvents = await eventShapes(testDb.db, uploaded.sessionId)
    // The upload is complete (held calls released); the push is still live, so compare what both have.
    expect(pushedEvents.length).toBeGreaterThan(eventsAfterFirst.length)
    expect(pushedEvents).toEqual(uploadedEvents.slice(0, pushedEvents.length))
  })

  it('holds a last line without its line break until the rest arrives, or the log is complete', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const lines = bytes.toString('utf8').split('\n')
    const firstTwo = Buffer.from(`${lines[0]}\n${lines[1]}\n`)
    const cut = firstTwo.length + 20
    const key = 'partial.jsonl'
    const opening = await push(owner, key, 0, bytes.subarray(0, cut))
    expect(opening).toMatchObject({ kind: 'appended', offset: cut })
    const [state] = await testDb.db.select().from(pushedSources).where(eq(pushedSources.sourceKey, key))
    expect(state.lineNumber).toBe(2)
    expect(state.pendingBytes?.toString('utf8')).toBe(bytes.subarray(firstTwo.length, cut).toString('utf8'))

    const thirdEnd = firstTwo.length + Buffer.byteLength(`${lines[2]}\n`)
    await push(owner, key, cut, bytes.subarray(cut, thirdEnd - 1))
    const [waiting] = await testDb.db.select().from(pushedSources).where(eq(pushedSources.sourceKey, key))
    expect(waiting.lineNumber).toBe(2)
    await push(owner, key, thirdEnd - 1, bytes.subarray(thirdEnd - 1, thirdEnd))
    const [done] = await testDb.db.select().from(pushedSources).where(eq(pushedSources.sourceKey, key))
    expect(done.lineNumber).toBe(3)
    expect(done.pendingBytes).toBeNull()

    // A log that ends without a line break: `complete` reads the last line and ends the session.
    const tail = await push(owner, 'no-final-newline.jsonl', 0, firstTwo.subarray(0, firstTwo.length - 1))
    expect(tail.kind).toBe('appended')
    const finished = await push(owner, 'no-final-newline.jsonl', firstTwo.length - 1, Buffer.alloc(0), {
      complete: true,
    })
    if (finished.kind !== 'appended') throw new Error(finished.kind)
    const [finishedState] = await testDb.db
      .select()
      .from(pushedSources)
      .where(eq(pushedSources.sourceKey, 'no-final-newline.jsonl'))
    expect(finishedState.lineNumber).toBe(2)
    expect((await pushedSession(owner, finished.sessionId)).status).toBe('complete')
  })

  it('refuses a log no parser reads, and keeps refusing it', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const first = await push(owner, 'notes.jsonl', 0, Buffer.from('{"hello":"world"}\n{"more":1}\n'))
    expect(first).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/not a Codex, Gemini CLI or Claude Code/),
    })
    expect(await push(owner, 'notes.jsonl', 29, Buffer.from('{"x":2}\n'))).toMatchObject({ kind: 'rejected' })
    expect((await sessionsOf(testDb.db, owner.account.id)).filter((s) => s.source === 'pushed')).toHaveLength(0)
  })

  it('keeps logs of two machines with the same path apart, and a deleted session deleted', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const bytes = fixtureBytes(CLAUDE)
    const a = await push(owner, 'same/path.jsonl', 0, bytes, { machine: 'alpha' })
    const b = await push(owner, 'same/path.jsonl', 0, bytes, { machine: 'beta' })
    if (a.kind !== 'appended' || b.kind !== 'appended') throw new Error('not appended')
    expect(a.sessionId).not.toBe(b.sessionId)
    expect((await pushedSession(owner, b.sessionId)).machine).toBe('beta')

    await testDb.db.delete(sessions).where(eq(sessions.id, a.sessionId as string))
    const more = Buffer.from(`${bytes.toString('utf8').split('\n')[0]}\n`)
    const after = await push(owner, 'same/path.jsonl', bytes.length, more, { machine: 'alpha' })
    expect(after).toMatchObject({ kind: 'appended', sessionId: null, offset: bytes.length + more.length })
    expect((await sessionsOf(testDb.db, owner.account.id)).filter((s) => s.machine === 'alpha')).toHaveLength(0)
  })

  it('serialises concurrent chunks of one log: the same chunk sent five times at once is stored once', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => push(owner, 'race.jsonl', 0, bytes)))
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(Array(5).fill('appended'))
    expect(outcomes.map((outcome) => (outcome.kind === 'appended' ? outcome.appended : -1)).sort()).toEqual([
      0,
      0,
      0,
      0,
      bytes.length,
    ])
  })
})
