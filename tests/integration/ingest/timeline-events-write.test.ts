/**
 * How a batch of events reaches timeline_events: new ordinals by binary COPY, known ones by upsert.
 * Both paths must store exactly the same rows (and search documents), and the answer must say what
 * was written, which detection relies on.
 */
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection, createLiveQueryCollection, gte } from '@tanstack/react-db'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionCollectionConfig } from '../../../src/collections/session-collections'
import type { Database, Transaction } from '../../../src/db/client'
import { timelineEvents } from '../../../src/db/schema'
import { CodexParser } from '../../../src/domain/agent-logs/codex/parser'
import type { TimelineEventDraft } from '../../../src/domain/agent-logs/types'
import { COPY_MIN_EVENTS, timelineEventsRepository } from '../../../src/server/repositories/timeline-events-repository'
import { proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import { databaseForThisFile } from '../../helpers/database'
import { eventDraft } from '../../helpers/event-draft'
import { eventually } from '../../helpers/eventually'
import { CODEX_SMALL, CODEX_SYNTHETIC, fixtureBytes } from '../../helpers/ingest'
import { seedAccountWithSession } from '../../helpers/seed'
import { type SyncTarget, startSyncTarget } from '../../helpers/sync-target'

const testDb = databaseForThisFile()

function parsed(fixture: string): TimelineEventDraft[] {
  const parser = new CodexParser()
  const events: TimelineEventDraft[] = []
  fixture.split('\n').forEach((line, index) => {
    if (line) events.push(...parser.push(line, index + 1))
  })
  events.push(...parser.finish().events)
  return events
}

/** The events repeated (renumbered) until there are at least `count`, so a batch takes the COPY path. */
function atLeast(count: number, events: TimelineEventDraft[]): TimelineEventDraft[] {
  const out: TimelineEventDraft[] = []
  while (out.length < count) for (const event of events) out.push({ ...event, ordinal: out.length })
  return out
}

function draft(ordinal: number, fields: Partial<TimelineEventDraft> = {}): TimelineEventDraft {
  return eventDraft(ordinal, { role: 'assistant', ...fields })
}

/** Odd values both paths must store alike. */
const ODD_EVENTS = [
  draft(0, {
    eventKey: 'call_1',
    type: 'LocalShellCall',
    at: '2026-02-23T12:40:23.123Z',
    command: 'git push --force origin main',
    exitCode: -1,
    durationMs: 2_147_483_647,
    summary: 'tab\tnewline\nbackslash\\ quote" émoji 🎉',
    payload: { stdout: 'a\u0000b', lone: 'x\ud800y', nested: { list: [1, 2.5, null, true], text: '\\u0000 kept' } },
  }),
  draft(1, { at: '1970-01-01T00:00:00.000Z', summary: 'epoch', payload: { sidechain: true } }),
  draft(2, { at: '2199-12-31T23:59:59.999Z', role: null, summary: 'far future', name: 'nul\u0000name' }),
  draft(3, { at: '1999-12-31T23:59:59.999Z', type: 'FileChange', path: '/tmp/a b/ç.txt', summary: 'before 2000' }),
]

async function storedRows(db: Database, sessionId: string) {
  const rows = await db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.sessionId, sessionId))
    .orderBy(timelineEvents.ordinal)
  return rows.map(({ sessionId: _s, accountId: _a, ...row }) => row)
}

async function searchDocuments(db: Database, sessionId: string) {
  return db.execute<{ ordinal: number; document: string; at: string | null }>(
    sql`select ordinal, document::text as document, at::text as at from timeline_event_search where session_id = ${sessionId} order by ordinal`,
  )
}

const write = (target: { sessionId: string; accountId: string }, events: TimelineEventDraft[]) =>
  testDb.db.transaction((tx: Transaction) => timelineEventsRepository.writeEvents(tx, target, events))

describe('writing a batch of timeline events', () => {
  it('stores the same rows and search documents by COPY as by upsert', async () => {
    const events = atLeast(COPY_MIN_EVENTS, [...ODD_EVENTS, ...parsed(fixtureBytes(CODEX_SYNTHETIC).toString('utf8'))])
    const copied = await seedAccountWithSession(testDb.db, 'copied')
    const upserted = await seedAccountWithSession(testDb.db, 'upserted')
    const copyTarget = { sessionId: copied.session.id, accountId: copied.account.id }
    const upsertTarget = { sessionId: upserted.session.id, accountId: upserted.account.id }

    expect(await write(copyTarget, events)).toEqual({
      count: events.length,
      firstOrdinal: 0,
      lastOrdinal: events.length - 1,
    })
    await timelineEventsRepository.upsertEvents(testDb.db, upsertTarget, events)

    const viaCopy = await storedRows(testDb.db, copied.session.id)
    expect(viaCopy).toHaveLength(events.length)
    expect(viaCopy).toEqual(await storedRows(testDb.db, upserted.session.id))
    expect(await searchDocuments(testDb.db, copied.session.id)).toEqual(
      await searchDocuments(testDb.db, upserted.session.id),
    )
    expect(viaCopy[0]).toMatchObject({
      commandFamily: 'git',
      exitCode: -1,
      durationMs: 2_147_483_647,
      at: new Date('2026-02-23T12:40:23.123Z'),
      summary: 'tab\tnewline\nbackslash\\ quote" émoji 🎉',
      payload: { stdout: 'a\ufffdb', lone: 'x\ufffdy', nested: { list: [1, 2.5, null, true], text: '\\u0000 kept' } },
    })
    expect(viaCopy[1]).toMatchObject({ sidechain: true, at: new Date(0) })
    expect(viaCopy[2]).toMatchObject({ role: null, name: 'nul\ufffdname' })
    expect(viaCopy[3].at).toEqual(new Date('1999-12-31T23:59:59.999Z'))
  })

  it('writes only past the stored events by COPY, upserts the rest and small batches, and reports what changed', async () => {
    const events = atLeast(3 * COPY_MIN_EVENTS, parsed(fixtureBytes(CODEX_SMALL).toString('utf8')))
    const { account, session } = await seedAccountWithSession(testDb.db, 'mixed')
    const target = { sessionId: session.id, accountId: account.id }
    const half = Math.floor(events.length / 2)

    expect(await write(target, events.slice(0, half))).toMatchObject({ count: half, firstOrdinal: 0 })
    // The same events again change nothing.
    expect(await write(target, events.slice(0, half))).toEqual({ count: 0, firstOrdinal: null, lastOrdinal: null })
    // An overlapping batch: one known event changed, the rest new.
    const changed = { ...events[half - 2], summary: 'output arrived since' }
    const overlap = [events[half - 3], changed, events[half - 1], ...events.slice(half)]
    expect(await write(target, overlap)).toEqual({
      count: 1 + events.length - half,
      firstOrdinal: half - 2,
      lastOrdinal: events.length - 1,
    })
    const stored = await storedRows(testDb.db, session.id)
    expect(stored.map((row) => row.ordinal)).toEqual(events.map((event) => event.ordinal))
    expect(stored[half - 2].summary).toBe('output arrived since')
    // A small batch of new events (a tailed line) is one upsert, reported the same way.
    const tail = events.slice(0, 3).map((event, index) => ({ ...event, ordinal: events.length + index }))
    expect(await write(target, tail)).toEqual({
      count: 3,
      firstOrdinal: events.length,
      lastOrdinal: events.length + 2,
    })
  })

  it("refuses an event in another account's session, by COPY as by upsert", async () => {
    const owner = await seedAccountWithSession(testDb.db, 'owner')
    const intruder = await seedAccountWithSession(testDb.db, 'intruder')
    const target = { sessionId: owner.session.id, accountId: intruder.account.id }
    const batch = atLeast(COPY_MIN_EVENTS, [draft(0)])
    await expect(write(target, batch)).rejects.toThrow(/does not exist in account/)
    await expect(write(target, [draft(0)])).rejects.toThrow()
    await expect(timelineEventsRepository.upsertEvents(testDb.db, target, batch)).rejects.toThrow()
    expect(await storedRows(testDb.db, owner.session.id)).toEqual([])
  })

  it('fails (and does not hang) when Postgres refuses a row of the COPY, and stores nothing of the batch', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db, 'refused')
    const target = { sessionId: session.id, accountId: account.id }
    const bogus = draft(0, { type: 'NotAnEventType' as TimelineEventDraft['type'] })
    const batch = [...atLeast(COPY_MIN_EVENTS, [draft(0)]), { ...bogus, ordinal: COPY_MIN_EVENTS }]
    await expect(write(target, batch)).rejects.toThrow(/Postgres refused the timeline events/)
    expect(await storedRows(testDb.db, session.id)).toEqual([])
    // The connection is usable afterwards.
    expect(await write(target, [draft(0)])).toMatchObject({ count: 1 })
  })
})

describe('events written by COPY reach the timeline shape', () => {
  let sync: SyncTarget
  beforeAll(async () => {
    sync = await startSyncTarget(testDb.url)
  })
  afterAll(async () => {
    await sync?.close()
  })

  it('a browser collection following the session receives every COPY-written event live', async () => {
    const { account, user, session } = await seedAccountWithSession(testDb.db, 'live copy')
    const config = sessionCollectionConfig('timeline_events', session.id)
    const events = createCollection(
      electricCollectionOptions({
        ...config,
        id: `${config.id}:copy`,
        shapeOptions: {
          ...config.shapeOptions,
          url: 'http://app.test/api/shape',
          fetchClient: (input, init) =>
            proxyShapeRequest(new Request(input, init), {
              db: testDb.db,
              principal: { account, user },
              electricUrl: sync.url,
              electricSecret: sync.secret,
            }),
        },
      }),
    )
    const all = createLiveQueryCollection((q) => q.from({ e: events }).where(({ e }) => gte(e.ordinal, 0)))
    await all.preload()

    const batch = atLeast(2 * COPY_MIN_EVENTS, parsed(fixtureBytes(CODEX_SYNTHETIC).toString('utf8')))
    await write({ sessionId: session.id, accountId: account.id }, batch)
    await eventually(() => all.size === batch.length, 'every written event in the collection')
    const stored = await storedRows(testDb.db, session.id)
    const received = all.toArray.sort((a, b) => a.ordinal - b.ordinal)
    expect(received.map((e) => [e.ordinal, e.type, e.command, e.summary])).toEqual(
      stored.map((e) => [e.ordinal, e.type, e.command, e.summary]),
    )
    await all.cleanup()
    await events.cleanup()
  })
})
