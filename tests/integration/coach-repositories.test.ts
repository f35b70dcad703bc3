import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hookifyDecisions } from '../../src/db/schema'
import { chatThreadsRepository } from '../../src/server/repositories/chat-threads-repository'
import { chatToolEventsRepository } from '../../src/server/repositories/chat-tool-events-repository'
import { InvalidTransitionError, NotFoundError } from '../../src/server/repositories/errors'
import { hookifyDecisionsRepository } from '../../src/server/repositories/hookify-decisions-repository'
import { sessionRepoBindingsRepository } from '../../src/server/repositories/session-repo-bindings-repository'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile({ maxConnections: 10 })

describe('tool events', () => {
  it('move from executing to succeeded exactly once, with completion time and latency', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      mode: 'session',
    })
    const { toolEvent } = await chatToolEventsRepository.startToolEvent(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      threadId: thread.id,
      toolCallId: '718460984',
      toolName: 'list_timeline_events',
      arguments: { startNumber: 1, endNumber: 2 },
    })
    expect(toolEvent).toMatchObject({ status: 'executing', completedAt: null, latencyMs: null })
    await new Promise((r) => setTimeout(r, 20))
    const { toolEvent: done } = await chatToolEventsRepository.completeToolEvent(testDb.db, {
      accountId: account.id,
      id: toolEvent.id,
      outcome: 'succeeded',
      result: { events: [{ eventNumber: 1 }] },
    })
    expect(done.status).toBe('succeeded')
    expect(done.completedAt).toBeInstanceOf(Date)
    expect(done.latencyMs).toBeGreaterThanOrEqual(15)
    expect(done.result).toEqual({ events: [{ eventNumber: 1 }] })
    await expect(
      chatToolEventsRepository.completeToolEvent(testDb.db, {
        accountId: account.id,
        id: toolEvent.id,
        outcome: 'failed',
        error: 'late',
      }),
    ).rejects.toBeInstanceOf(InvalidTransitionError)
    await expect(
      chatToolEventsRepository.completeToolEvent(testDb.db, {
        accountId: account.id,
        id: 'tool_missing',
        outcome: 'failed',
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('repository bindings', () => {
  it('re-binding replaces the row; another account cannot overwrite it', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    await sessionRepoBindingsRepository.bindRepository(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      assetPath: 'uploads/a.jsonl',
      rootDir: '/repo/a',
    })
    const { binding } = await sessionRepoBindingsRepository.bindRepository(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      assetPath: 'uploads/b.jsonl',
      rootDir: '/repo/b',
    })
    expect(binding).toMatchObject({ assetPath: 'uploads/b.jsonl', rootDir: '/repo/b' })
    const other = await seedAccountWithSession(testDb.db, 'other')
    await sessionRepoBindingsRepository.bindRepository(testDb.db, {
      accountId: other.account.id,
      sessionId: session.id,
      assetPath: 'evil',
      rootDir: '/evil',
    })
    expect(await sessionRepoBindingsRepository.findBinding(testDb.db, account.id, session.id)).toMatchObject({
      rootDir: '/repo/b',
    })
    const { cleared } = await sessionRepoBindingsRepository.clearBinding(testDb.db, account.id, session.id)
    expect(cleared).toBe(true)
    expect(await sessionRepoBindingsRepository.findBinding(testDb.db, account.id, session.id)).toBeUndefined()
  })
})

describe('hookify decisions', () => {
  it('derive blocked from severity, keep at most five rules, and the database enforces both', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const contentHash = createHash('sha256').update('rm -rf /').digest('hex')
    const rules = Array.from({ length: 7 }, (_, i) => ({ id: `rule-${i}`, severity: 'high' as const }))
    const { decision } = await hookifyDecisionsRepository.recordDecision(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      source: 'timeline',
      contentHash,
      severity: 'critical',
      rules,
    })
    expect(decision).toMatchObject({ blocked: true, severity: 'critical' })
    expect(decision.rules).toHaveLength(5)
    const { decision: advisory } = await hookifyDecisionsRepository.recordDecision(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      source: 'manual',
      contentHash,
      severity: 'none',
      rules: [],
    })
    expect(advisory.blocked).toBe(false)
    await expect(
      testDb.db.insert(hookifyDecisions).values({
        accountId: account.id,
        sessionId: session.id,
        source: 'manual',
        contentHash,
        severity: 'low',
        blocked: true,
      }),
    ).rejects.toMatchObject({ cause: { constraint_name: 'hookify_decisions_blocked_ck' } })
  })
})
