import { describe, expect, it } from 'vitest'
import { createDatabaseClient } from '../../src/db/client'
import { todos } from '../../src/db/schema'
import { ensureLocalOwner } from '../../src/server/repositories/accounts-repository'
import {
  InvalidInputError,
  InvalidTransitionError,
  NotFoundError,
  VersionConflictError,
} from '../../src/server/repositories/errors'
import { misalignmentsRepository } from '../../src/server/repositories/misalignments-repository'
import { sessionsRepository } from '../../src/server/repositories/sessions-repository'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { createTestDatabase, databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile({ maxConnections: 25 })

const detected = (accountId: string, sessionId: string) => ({
  accountId,
  sessionId,
  ruleId: 'avoid-destructive-commands-item-0',
  title: 'Avoid destructive commands',
  summary: 'rm -rf without confirmation',
  severity: 'high' as const,
  eventRange: { startIndex: 3, endIndex: 5, startAt: '2026-02-23T12:40:23.000Z', endAt: '' },
  evidence: [{ message: 'rm -rf dist', eventIndex: 4, highlight: 'event #5 • 2026-02-23T12:40:23.000Z' }],
})

describe('misalignments', () => {
  it('walks the allowed transitions and rejects the others with a typed error', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const { misalignment } = await misalignmentsRepository.upsertDetected(testDb.db, detected(account.id, session.id))
    expect(misalignment).toMatchObject({ status: 'open', version: 1, severity: 'high' })
    const change = (status: 'open' | 'acknowledged' | 'dismissed', expectedVersion: number) =>
      misalignmentsRepository.changeStatus(testDb.db, {
        accountId: account.id,
        id: misalignment.id,
        status,
        expectedVersion,
      })
    expect((await change('acknowledged', 1)).misalignment).toMatchObject({ status: 'acknowledged', version: 2 })
    expect((await change('dismissed', 2)).misalignment).toMatchObject({ status: 'dismissed', version: 3 })
    await expect(change('dismissed', 3)).rejects.toBeInstanceOf(InvalidTransitionError)
    expect((await change('open', 3)).misalignment).toMatchObject({ status: 'open', version: 4 })
    await expect(change('open', 4)).rejects.toThrow(/Cannot change status from open to open/)
    await expect(change('acknowledged', 1)).rejects.toBeInstanceOf(VersionConflictError)
  })

  it('re-detection refreshes evidence but keeps the status the user chose', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const first = await misalignmentsRepository.upsertDetected(testDb.db, detected(account.id, session.id))
    await misalignmentsRepository.changeStatus(testDb.db, {
      accountId: account.id,
      id: first.misalignment.id,
      status: 'dismissed',
      expectedVersion: 1,
    })
    const again = await misalignmentsRepository.upsertDetected(testDb.db, {
      ...detected(account.id, session.id),
      evidence: [{ message: 'git push --force', eventIndex: 9 }],
      severity: 'critical',
    })
    expect(again.misalignment).toMatchObject({
      id: first.misalignment.id,
      status: 'dismissed',
      severity: 'critical',
      evidence: [{ message: 'git push --force', eventIndex: 9 }],
    })
    expect(await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)).toHaveLength(1)
  })

  it('20 parallel status changes are each applied or rejected as a conflict; none is lost', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const { misalignment } = await misalignmentsRepository.upsertDetected(testDb.db, detected(account.id, session.id))
    const targets = ['acknowledged', 'dismissed'] as const
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        misalignmentsRepository.changeStatus(testDb.db, {
          accountId: account.id,
          id: misalignment.id,
          status: targets[i % 2],
          expectedVersion: 1,
        }),
      ),
    )
    const applied = outcomes.filter((o) => o.status === 'fulfilled')
    const rejected = outcomes.filter((o) => o.status === 'rejected')
    expect(applied).toHaveLength(1)
    for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError)
    const [final] = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    const winner = (applied[0] as PromiseFulfilledResult<{ misalignment: { status: string } }>).value.misalignment
    expect(final).toMatchObject({ version: 2, status: winner.status })

    // Clients that retry with the version they read all get applied, one after another.
    let retries = 0
    const changeWithRetry = async (status: 'open' | 'acknowledged' | 'dismissed') => {
      for (;;) {
        const [current] = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
        if (current.status === status) return current.version
        try {
          return (
            await misalignmentsRepository.changeStatus(testDb.db, {
              accountId: account.id,
              id: misalignment.id,
              status,
              expectedVersion: current.version,
            })
          ).misalignment.version
        } catch (error) {
          if (!(error instanceof VersionConflictError)) throw error
          retries++
        }
      }
    }
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => changeWithRetry((['open', 'acknowledged', 'dismissed'] as const)[i % 3])),
    )
    const [after] = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    expect(after.version).toBeGreaterThan(2)
    expect(retries).toBeGreaterThan(0)
  })

  it("cannot change another account's misalignment", async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const other = await seedAccountWithSession(testDb.db, 'other')
    const { misalignment } = await misalignmentsRepository.upsertDetected(testDb.db, detected(account.id, session.id))
    await expect(
      misalignmentsRepository.changeStatus(testDb.db, {
        accountId: other.account.id,
        id: misalignment.id,
        status: 'acknowledged',
        expectedVersion: 1,
      }),
    ).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('sessions', () => {
  it('deduplicates by (account, source_key), also when created concurrently', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const input = {
      accountId: account.id,
      sourceKey: '019c8a4c-ed82-79a1-aa28-7738fc5ab61a',
      title: 'rollout',
      source: 'upload' as const,
    }
    const results = await Promise.all([1, 2, 3, 4].map(() => sessionsRepository.findOrCreateSession(testDb.db, input)))
    expect(new Set(results.map((r) => r.session.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const other = await seedAccountWithSession(testDb.db, 'other')
    const theirs = await sessionsRepository.findOrCreateSession(testDb.db, { ...input, accountId: other.account.id })
    expect(theirs.created).toBe(true)
  })

  it('applies server-side defaults so a row needs only its meaningful columns', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const { session } = await sessionsRepository.findOrCreateSession(testDb.db, {
      accountId: account.id,
      sourceKey: 'sha256:abc',
      title: 'minimal',
      source: 'upload',
      origin: 'codex',
    })
    expect(session).toMatchObject({ eventCount: 0, status: 'complete', inputTokens: 0, archivedAt: null })
    expect(session.createdAt).toBeInstanceOf(Date)
  })

  it('grants access to the owning account and to members only', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const stranger = await seedAccountWithSession(testDb.db, 'stranger')
    const mine = await sessionsRepository.findAccessibleSession(
      testDb.db,
      { accountId: owner.account.id, userId: owner.user.id },
      owner.session.id,
    )
    expect(mine?.id).toBe(owner.session.id)
    const theirs = await sessionsRepository.findAccessibleSession(
      testDb.db,
      { accountId: stranger.account.id, userId: stranger.user.id },
      owner.session.id,
    )
    expect(theirs).toBeUndefined()
  })
})

describe('local owner', () => {
  it('is created once, even by concurrent first runs', async () => {
    const fresh = await createTestDatabase()
    const c = createDatabaseClient(fresh.url, { max: 5 })
    try {
      const owners = await Promise.all([1, 2, 3].map(() => ensureLocalOwner(c.db)))
      expect(new Set(owners.map((o) => o.user.id)).size).toBe(1)
      expect(owners[0].user.accountId).toBe(owners[0].account.id)
    } finally {
      await c.close()
      await fresh.drop()
    }
  })
})

describe('todos', () => {
  it('creates, updates, deletes within the account and returns txids', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const created = await todosRepository.createTodo(testDb.db, { accountId: account.id, text: '  write docs  ' })
    expect(created.todo).toMatchObject({ text: 'write docs', completed: false })
    const updated = await todosRepository.updateTodo(testDb.db, account.id, created.todo.id, { completed: true })
    expect(updated.todo.completed).toBe(true)
    expect(updated.txid).toBeGreaterThan(created.txid)
    const other = await seedAccountWithSession(testDb.db, 'other')
    await expect(
      todosRepository.updateTodo(testDb.db, other.account.id, created.todo.id, { completed: false }),
    ).rejects.toBeInstanceOf(NotFoundError)
    await todosRepository.deleteTodo(testDb.db, account.id, created.todo.id)
    expect(await todosRepository.listTodos(testDb.db, account.id)).toEqual([])
  })

  it('refuses empty text in the repository and in the database', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    await expect(todosRepository.createTodo(testDb.db, { accountId: account.id, text: '   ' })).rejects.toBeInstanceOf(
      InvalidInputError,
    )
    await expect(testDb.db.insert(todos).values({ accountId: account.id, text: ' ' })).rejects.toMatchObject({
      cause: { constraint_name: 'todos_text_ck' },
    })
  })
})
