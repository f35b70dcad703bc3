/** Session export: streamed in batches from Postgres, the requested events only, owner or member only. */
import { describe, expect, it } from 'vitest'
import { sessionMembers } from '../../src/db/schema'
import type { TimelineEventDraft } from '../../src/domain/agent-logs/types'
import type { ExportRequest } from '../../src/domain/export/export-types'
import { exportSession } from '../../src/server/export/session-export'
import { exportRepository } from '../../src/server/repositories/export-repository'
import { sessionsRepository } from '../../src/server/repositories/sessions-repository'
import { timelineEventsRepository } from '../../src/server/repositories/timeline-events-repository'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

const TYPES = ['Message', 'LocalShellCall', 'Reasoning', 'FileChange'] as const

function draft(ordinal: number): TimelineEventDraft {
  const type = TYPES[ordinal % TYPES.length]
  return {
    ordinal,
    eventKey: null,
    type,
    role: type === 'Message' ? (ordinal === 0 ? 'developer' : 'user') : 'assistant',
    at: new Date(Date.UTC(2026, 2, 2, 10, 0, 0, ordinal)).toISOString(),
    name: null,
    command: type === 'LocalShellCall' ? `echo step-${ordinal}` : null,
    path: type === 'FileChange' ? `src/file-${ordinal}.ts` : null,
    exitCode: type === 'LocalShellCall' ? 0 : null,
    durationMs: null,
    summary: `summary ${ordinal}`,
    payload: { content: ordinal === 0 ? 'You are a secret system prompt.' : `content of event ${ordinal}` },
  }
}

async function seedSession(name: string, events: number) {
  const seeded = await seedAccountWithSession(testDb.db, name)
  const drafts = Array.from({ length: events }, (_, ordinal) => draft(ordinal))
  await timelineEventsRepository.upsertEvents(
    testDb.db,
    { sessionId: seeded.session.id, accountId: seeded.account.id },
    drafts,
  )
  await sessionsRepository.setStatus(testDb.db, seeded.session.id, 'complete')
  return seeded
}

function request(fields: Partial<ExportRequest>): ExportRequest {
  return {
    format: 'json',
    scope: 'entire',
    filter: null,
    types: null,
    order: 'oldest',
    from: null,
    to: null,
    timestamps: true,
    metadata: true,
    instructions: 'redact',
    ...fields,
  }
}

const principalOf = (seeded: Awaited<ReturnType<typeof seedSession>>) => ({
  accountId: seeded.account.id,
  userId: seeded.user.id,
})

async function exportJson(seeded: Awaited<ReturnType<typeof seedSession>>, fields: Partial<ExportRequest>) {
  const response = await exportSession(testDb.db, principalOf(seeded), seeded.session.id, request(fields))
  expect(response.status).toBe(200)
  return JSON.parse(await response.text())
}

describe('session export', () => {
  it('streams every event of a session larger than one batch, in order, as an attachment', async () => {
    const alice = await seedSession('Alice', 1_234)
    const response = await exportSession(
      testDb.db,
      principalOf(alice),
      alice.session.id,
      request({}),
      new Date('2026-11-29T09:05:07Z'),
    )
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="${alice.session.id.slice(0, 32)}-entire-20261129-090507.json"; filename*=UTF-8''${alice.session.id.slice(0, 32)}-entire-20261129-090507.json`,
    )
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    const document = JSON.parse(await response.text())
    expect(document.metadata.eventCount).toBe(1_234)
    expect(document.session.events.map((event: { number: number }) => event.number)).toEqual(
      Array.from({ length: 1_234 }, (_, index) => index + 1),
    )
    expect(JSON.stringify(document)).not.toContain('secret system prompt')
  })

  it('reads keyset batches that together hold each event once', async () => {
    const bob = await seedSession('Bob', 23)
    const batches: number[][] = []
    for await (const batch of exportRepository.readEvents(
      testDb.db,
      { sessionId: bob.session.id, types: null, fromOrdinal: null, toOrdinal: null, order: 'newest' },
      { batchSize: 5 },
    ))
      batches.push(batch.map((event) => event.ordinal))
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 5, 3])
    expect(batches.flat()).toEqual(Array.from({ length: 23 }, (_, index) => 22 - index))
  })

  it('exports the filtered, range and single-event scopes', async () => {
    const carol = await seedSession('Carol', 40)
    const tools = await exportJson(carol, {
      scope: 'filtered',
      filter: 'tools',
      types: ['LocalShellCall'],
      order: 'newest',
    })
    expect(tools.session.events.map((event: { number: number }) => event.number).slice(0, 3)).toEqual([38, 34, 30])
    expect(tools.metadata.filterApplied).toEqual({ filter: 'tools', order: 'newest' })

    const range = await exportJson(carol, { scope: 'range', from: 5, to: 8 })
    expect(range.session.events.map((event: { number: number }) => event.number)).toEqual([5, 6, 7, 8])
    expect(range.metadata.range).toEqual({ from: 5, to: 8 })

    const single = await exportJson(carol, { scope: 'event', from: 10, to: 10 })
    expect(single.session.events).toEqual([expect.objectContaining({ number: 10, command: 'echo step-9' })])

    const missing = await exportSession(
      testDb.db,
      principalOf(carol),
      carol.session.id,
      request({ scope: 'event', from: 99, to: 99 }),
    )
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({ message: 'This session has no event #99.' })
  })

  it("never exports another account's session, unless it is shared with the caller", async () => {
    const owner = await seedSession('Owner', 3)
    const stranger = await seedSession('Stranger', 1)
    const refused = await exportSession(testDb.db, principalOf(stranger), owner.session.id, request({}))
    expect(refused.status).toBe(404)
    expect(await refused.text()).not.toContain('content of event')

    await testDb.db
      .insert(sessionMembers)
      .values({ sessionId: owner.session.id, userId: stranger.user.id, role: 'viewer' })
    const shared = await exportSession(testDb.db, principalOf(stranger), owner.session.id, request({}))
    expect(shared.status).toBe(200)
    expect(JSON.parse(await shared.text()).session.events).toHaveLength(3)

    const notAnId = await exportSession(testDb.db, principalOf(owner), 'not-a-session', request({}))
    expect(notAnId.status).toBe(404)
  })

  it('marks the export of a session still being written as partial', async () => {
    const dave = await seedSession('Dave', 2)
    await sessionsRepository.setStatus(testDb.db, dave.session.id, 'live')
    const response = await exportSession(testDb.db, principalOf(dave), dave.session.id, request({ format: 'markdown' }))
    expect(response.headers.get('content-disposition')).toMatch(/-entire-partial-\d{8}-\d{6}\.md"/)
    expect(await response.text()).toContain('events may be missing')
  })
})
