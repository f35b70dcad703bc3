import { describe, expect, it } from 'vitest'
import { createdThreadId, type ExistingLegacyState, LegacyImportPlanner, NO_EXISTING_STATE } from '../../import-planner'
import { ImportReportBuilder } from '../../import-report'
import type { LegacyKind } from '../../legacy-files'

const T1 = 'thread_00000000-0000-4000-a000-000000000001'
const T2 = 'thread_00000000-0000-4000-a000-000000000002'
const T3 = 'thread_00000000-0000-4000-a000-000000000003'
const msgId = (n: number) => `chat_00000000-0000-4000-a000-${String(n).padStart(12, '0')}`
const at = (minute: number) => new Date(Date.UTC(2025, 11, 15, 9, minute)).toISOString()

const thread = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  sessionId: 'session-default',
  mode: 'session',
  title: 'Session Coach',
  status: 'active',
  messageCount: 0,
  createdAt: at(0),
  updatedAt: at(1),
  ...overrides,
})

const message = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: msgId(n),
  sessionId: 'session-default',
  mode: 'session',
  threadId: T1,
  role: 'user',
  content: `message ${n}`,
  createdAt: at(n),
  updatedAt: at(n),
  ...overrides,
})

function plan(
  files: Partial<Record<LegacyKind, unknown[]>>,
  existing: ExistingLegacyState = NO_EXISTING_STATE,
  options = { skipInvalid: false },
) {
  const report = new ImportReportBuilder()
  const planner = new LegacyImportPlanner(report, options)
  for (const kind of ['threads', 'messages', 'toolEvents'] as const) {
    for (const [index, raw] of (files[kind] ?? []).entries()) planner.accept(kind, raw, index)
  }
  return { plan: planner.finish(existing), report: report.report }
}

/** Fixes other than counter recomputation, which most scenarios here trigger on purpose-free threads. */
const fixKinds = (report: ReturnType<typeof plan>['report']) =>
  report.fixes.filter((f) => f.kind !== 'thread-counters-recomputed').map((f) => `${f.kind} ${f.id}`)

describe('LegacyImportPlanner', () => {
  it('numbers messages per thread by (createdAt, id), whatever their order in the file', () => {
    const { plan: result } = plan({
      threads: [thread(T1)],
      // 2 and 1 share a createdAt: the id breaks the tie.
      messages: [message(3), message(2, { createdAt: at(1) }), message(1)],
    })
    expect(Object.fromEntries([...result.messages].map(([id, p]) => [id, p.seq]))).toEqual({
      [msgId(1)]: 1,
      [msgId(2)]: 2,
      [msgId(3)]: 3,
    })
  })

  it('keeps the first record of a repeated id and reports the later ones', () => {
    const { plan: result, report } = plan({
      threads: [thread(T1)],
      messages: [message(1), message(1, { content: 'DUPLICATE' })],
    })
    expect(result.messages.get(msgId(1))?.index).toBe(0)
    expect(report.skips).toEqual([
      expect.objectContaining({ reason: 'duplicate-id', label: 'duplicate message id', index: 1, id: msgId(1) }),
    ])
    expect(report.files.messages.imported).toBe(1)
  })

  it('keeps the most recently updated of two active threads and archives the other', () => {
    const { plan: result, report } = plan({
      threads: [thread(T1, { updatedAt: at(5) }), thread(T2, { updatedAt: at(9) })],
    })
    expect(result.threads.map((t) => [t.id, t.status])).toEqual([
      [T1, 'archived'],
      [T2, 'active'],
    ])
    expect(fixKinds(report)).toEqual([`thread-archived ${T1}`])
  })

  it('puts a message without threadId into the active thread of its session and mode', () => {
    const { plan: result, report } = plan({
      threads: [thread(T1, { status: 'archived' }), thread(T2)],
      messages: [message(1, { threadId: undefined })],
    })
    expect(result.messages.get(msgId(1))).toMatchObject({ threadId: T2, seq: 1 })
    expect(fixKinds(report)).toEqual([`thread-assigned ${msgId(1)}`])
  })

  it('creates one active thread, with a stable id, when messages without threadId have none to join', () => {
    const { plan: result, report } = plan({
      threads: [thread(T1, { status: 'archived' })],
      messages: [message(2, { threadId: null }), message(1, { threadId: undefined })],
    })
    const created = createdThreadId('session-default', 'session')
    expect(created).toMatch(/^thread_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(result.threads.find((t) => t.id === created)).toMatchObject({
      status: 'active',
      title: 'Session Coach #2',
      messageCount: 2,
      createdAt: at(1),
      lastMessageAt: at(2),
      lastMessagePreview: 'message 2',
    })
    expect(report.files.threads.created).toBe(1)
    expect(result.messages.get(msgId(1))).toMatchObject({ threadId: created, seq: 1 })
  })

  it('gives a created thread another id when an earlier, since archived, thread holds the usual one', () => {
    const taken = createdThreadId('session-default', 'session')
    const existing: ExistingLegacyState = {
      ...NO_EXISTING_STATE,
      threads: [
        {
          id: taken,
          sessionKey: 'session-default',
          mode: 'session',
          status: 'archived',
          createdAt: at(0),
          updatedAt: at(0),
        },
      ],
    }
    const { plan: result } = plan({ messages: [message(1, { threadId: undefined })] }, existing)
    const placement = result.messages.get(msgId(1))
    expect(placement?.threadId).toBe(createdThreadId('session-default', 'session', 1))
    expect(result.threads.map((t) => [t.id, t.status, t.title])).toEqual([
      [placement?.threadId, 'active', 'Session Coach #2'],
    ])
  })

  it('recreates, archived, a thread that messages name but the threads file lacks', () => {
    const { plan: result, report } = plan({ threads: [thread(T2)], messages: [message(1, { threadId: T3 })] })
    expect(result.threads.find((t) => t.id === T3)).toMatchObject({ status: 'archived', messageCount: 1 })
    expect(fixKinds(report)).toContain(`thread-recreated ${T3}`)
  })

  it('recomputes counters and reports only the threads whose stored values were wrong', () => {
    const { plan: result, report } = plan({
      threads: [
        thread(T1, { messageCount: 12345 }),
        thread(T2, { mode: 'general', messageCount: 1, lastMessagePreview: 'message 4', lastMessageAt: at(4) }),
      ],
      messages: [message(1), message(2), message(4, { threadId: T2, mode: 'general' })],
    })
    expect(result.threads.find((t) => t.id === T1)).toMatchObject({
      messageCount: 2,
      lastMessagePreview: 'message 2',
      lastMessageAt: at(2),
    })
    expect(report.fixes.filter((f) => f.kind === 'thread-counters-recomputed')).toEqual([
      expect.objectContaining({ id: T1, detail: expect.stringContaining('messageCount 12345 → 2') }),
    ])
  })

  it('previews the last message as the app does: at most 280 code points, no emoji split', () => {
    const content = `${'x'.repeat(279)}🤔🤔`
    const { plan: result } = plan({ threads: [thread(T1)], messages: [message(1, { content })] })
    expect(result.threads.find((t) => t.id === T1)?.lastMessagePreview).toBe(`${'x'.repeat(279)}🤔`)
  })

  it('clears a clientMessageId repeated within one thread, keeping it on the earliest message', () => {
    const { plan: result, report } = plan({
      threads: [thread(T1)],
      messages: [message(2, { clientMessageId: 'c-1' }), message(1, { clientMessageId: 'c-1' })],
    })
    expect(result.messages.get(msgId(1))?.dropClientMessageId).toBe(false)
    expect(result.messages.get(msgId(2))?.dropClientMessageId).toBe(true)
    expect(fixKinds(report)).toEqual([`client-message-id-cleared ${msgId(2)}`])
  })

  it("moves a message into its thread's session and mode when they disagree", () => {
    const { plan: result, report } = plan({
      threads: [thread(T1)],
      messages: [message(1, { sessionId: 'session-other' })],
    })
    expect(result.messages.get(msgId(1))).toMatchObject({ sessionKey: 'session-default', threadId: T1 })
    expect(fixKinds(report)).toEqual([`message-aligned-with-thread ${msgId(1)}`])
    expect(result.sessions.map((s) => s.sourceKey)).toEqual(['session-default'])
  })

  it('keeps tool events as they were, clearing only a threadId that names no thread', () => {
    const event = {
      id: 'tool_1',
      sessionId: 'session-default',
      threadId: T3,
      toolCallId: '1',
      toolName: 'get_timeline_event',
      arguments: {},
      status: 'executing',
      startedAt: at(1),
    }
    const { plan: result, report } = plan({
      threads: [thread(T1)],
      toolEvents: [event, { ...event, id: 'tool_2', threadId: T1 }],
    })
    expect(result.toolEvents.get('tool_1')?.threadId).toBeNull()
    expect(result.toolEvents.get('tool_2')?.threadId).toBe(T1)
    expect(fixKinds(report)).toEqual(['tool-event-thread-cleared tool_1'])
    expect(report.notes.join('\n')).toMatch(/2 tool event\(s\) are still "executing"/)
  })

  it('records invalid records, and with skipInvalid also counts them as skipped', () => {
    const files = { threads: [thread(T1)], messages: [message(1), { ...message(2), role: 'robot' }] }
    expect(plan(files).report.files.messages.skipped.invalid).toBe(0)
    const skipped = plan(files, NO_EXISTING_STATE, { skipInvalid: true })
    expect(skipped.report.invalid).toEqual([
      expect.objectContaining({ index: 1, id: msgId(2), reason: expect.stringMatching(/role/) }),
    ])
    expect(skipped.report.files.messages.skipped.invalid).toBe(1)
    expect(skipped.plan.messages.has(msgId(2))).toBe(false)
  })

  it('merging: a database thread loses "active" to a more recent imported one; placed messages keep their thread', () => {
    const existing: ExistingLegacyState = {
      threads: [
        {
          id: T3,
          sessionKey: 'session-default',
          mode: 'session',
          status: 'active',
          createdAt: at(0),
          updatedAt: at(2),
        },
      ],
      placedOrphans: new Map([[msgId(1), T3]]),
      clientMessageIds: new Map([[`${T1}\u0000c-1`, msgId(9)]]),
      hasMessages: true,
    }
    const { plan: result, report } = plan(
      {
        threads: [thread(T1, { updatedAt: at(8) })],
        messages: [message(1, { threadId: undefined }), message(2, { clientMessageId: 'c-1' })],
      },
      existing,
    )
    expect(result.existingThreadsToArchive).toEqual([T3])
    expect(result.messages.get(msgId(1))?.threadId).toBe(T3)
    expect(result.messages.get(msgId(2))?.dropClientMessageId).toBe(true)
    expect(result.mergeIntoExisting).toBe(true)
    expect(fixKinds(report)).toContain(`existing-thread-archived ${T3}`)
  })
})
