/**
 * The explorer's per-session actions against real Postgres: rename, archive/unarchive and delete,
 * each owner-only (another account, even one the session is shared with, changes nothing), and
 * delete taking the session's events, uploads and raw chunks with it in one transaction.
 */
import { eq, inArray, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { chatThreads, sessionMembers, sessions, sessionUploadChunks, sessionUploads, todos } from '../../src/db/schema'
import { toHttpError } from '../../src/server/http/errors'
import { chatThreadsRepository } from '../../src/server/repositories/chat-threads-repository'
import { ConflictError, InvalidInputError, NotFoundError } from '../../src/server/repositories/errors'
import { sessionsRepository } from '../../src/server/repositories/sessions-repository'
import { databaseForThisFile } from '../helpers/database'
import { CODEX_SMALL, createAccount, fixtureBytes, ingestBytes } from '../helpers/ingest'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

/** An account with one uploaded session (events, an upload and its raw chunks). */
async function uploadedSession(name = 'Explorer owner') {
  const account = await createAccount(testDb.db, name)
  const result = await ingestBytes(testDb.db, account.id, fixtureBytes(CODEX_SMALL), 'rollout.jsonl')
  const [session] = await testDb.db.select().from(sessions).where(eq(sessions.id, result.sessionId))
  return { account, session }
}

async function sessionRow(sessionId: string) {
  const [row] = await testDb.db.select().from(sessions).where(eq(sessions.id, sessionId))
  return row
}

async function countWhere(table: 'timeline_events' | 'session_uploads' | 'chat_threads', sessionId: string) {
  const [row] = await testDb.db.execute<{ n: number }>(
    sql`select count(*)::int as n from ${sql.identifier(table)} where session_id = ${sessionId}`,
  )
  return row.n
}

describe('rename', () => {
  it('sets the title, returns a txid, and a later ingest of the same log keeps it', async () => {
    const { account, session } = await uploadedSession()
    const result = await sessionsRepository.renameSession(testDb.db, account.id, session.id, '  Fix the flaky test  ')
    expect(Number.isInteger(result.txid) && result.txid > 0).toBe(true)
    const renamed = await sessionRow(session.id)
    expect(renamed.title).toBe('Fix the flaky test')
    expect(renamed.renamedAt).toBeInstanceOf(Date)

    // The same log uploaded again updates the session (same source key) but not its title.
    const again = await ingestBytes(testDb.db, account.id, fixtureBytes(CODEX_SMALL), 'rollout.jsonl')
    expect(again.sessionId).toBe(session.id)
    expect((await sessionRow(session.id)).title).toBe('Fix the flaky test')
  })

  it('refuses a blank title and stores NUL as U+FFFD', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    await expect(sessionsRepository.renameSession(testDb.db, account.id, session.id, '   ')).rejects.toBeInstanceOf(
      InvalidInputError,
    )
    await sessionsRepository.renameSession(testDb.db, account.id, session.id, 'a\u0000b')
    expect((await sessionRow(session.id)).title).toBe('a\uFFFDb')
  })

  it('another account cannot rename the session, not even one it is shared with', async () => {
    const { session } = await seedAccountWithSession(testDb.db, 'Owner')
    const other = await seedAccountWithSession(testDb.db, 'Other')
    await testDb.db.insert(sessionMembers).values({ sessionId: session.id, userId: other.user.id, role: 'editor' })

    const refusal = await sessionsRepository
      .renameSession(testDb.db, other.account.id, session.id, 'Taken over')
      .catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(NotFoundError)
    expect(toHttpError(refusal)).toMatchObject({ status: 404 })
    expect((await sessionRow(session.id)).title).toBe('A test session')
  })
})

describe('archive', () => {
  it('archives and unarchives; archiving twice keeps the first time', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    const first = await sessionsRepository.setArchived(testDb.db, account.id, session.id, true)
    expect(first.archivedAt).toBeInstanceOf(Date)
    const second = await sessionsRepository.setArchived(testDb.db, account.id, session.id, true)
    expect(second.archivedAt).toEqual(first.archivedAt)
    expect(second.txid).toBeGreaterThan(0)

    await sessionsRepository.setArchived(testDb.db, account.id, session.id, false)
    expect((await sessionRow(session.id)).archivedAt).toBeNull()
  })

  it('another account cannot archive the session', async () => {
    const { session } = await seedAccountWithSession(testDb.db, 'Owner')
    const other = await seedAccountWithSession(testDb.db, 'Other')
    await expect(sessionsRepository.setArchived(testDb.db, other.account.id, session.id, true)).rejects.toBeInstanceOf(
      NotFoundError,
    )
    expect((await sessionRow(session.id)).archivedAt).toBeNull()
  })
})

describe('delete', () => {
  it('deletes the session with its events, uploads, raw chunks and chats; linked todos stay, unlinked', async () => {
    const { account, session } = await uploadedSession()
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      mode: 'session',
    })
    const [todo] = await testDb.db
      .insert(todos)
      .values({ accountId: account.id, sessionId: session.id, text: 'Look at this session' })
      .returning()
    const uploadIds = (
      await testDb.db
        .select({ id: sessionUploads.id })
        .from(sessionUploads)
        .where(eq(sessionUploads.sessionId, session.id))
    ).map((row) => row.id)
    expect(await countWhere('timeline_events', session.id)).toBeGreaterThan(0)
    expect(uploadIds.length).toBeGreaterThan(0)

    const result = await sessionsRepository.deleteOwnedSession(testDb.db, account.id, session.id)
    expect(result.txid).toBeGreaterThan(0)

    expect(await sessionRow(session.id)).toBeUndefined()
    expect(await countWhere('timeline_events', session.id)).toBe(0)
    expect(await countWhere('session_uploads', session.id)).toBe(0)
    expect(await countWhere('chat_threads', session.id)).toBe(0)
    expect(
      await testDb.db.select().from(sessionUploadChunks).where(inArray(sessionUploadChunks.uploadId, uploadIds)),
    ).toEqual([])
    expect(await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, thread.id))).toEqual([])
    const [keptTodo] = await testDb.db.select().from(todos).where(eq(todos.id, todo.id))
    expect(keptTodo.sessionId).toBeNull()
  })

  it('another account cannot delete the session: nothing of it goes', async () => {
    const { session } = await uploadedSession('Owner')
    const other = await seedAccountWithSession(testDb.db, 'Other')
    await testDb.db.insert(sessionMembers).values({ sessionId: session.id, userId: other.user.id, role: 'owner' })
    const events = await countWhere('timeline_events', session.id)

    await expect(sessionsRepository.deleteOwnedSession(testDb.db, other.account.id, session.id)).rejects.toBeInstanceOf(
      NotFoundError,
    )
    expect(await sessionRow(session.id)).toBeDefined()
    expect(await countWhere('timeline_events', session.id)).toBe(events)
  })

  it('refuses a live session (still being written) with a 409 that says what to do', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    await sessionsRepository.setStatus(testDb.db, session.id, 'live')
    const refusal = await sessionsRepository
      .deleteOwnedSession(testDb.db, account.id, session.id)
      .catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(ConflictError)
    expect(toHttpError(refusal)).toMatchObject({ status: 409, message: expect.stringMatching(/still being written/) })
    expect(await sessionRow(session.id)).toBeDefined()
  })

  it('an unknown session id is a 404, not a silent success', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const refusal = await sessionsRepository
      .deleteOwnedSession(testDb.db, account.id, '00000000-0000-4000-8000-000000000000')
      .catch((error: unknown) => error)
    expect(toHttpError(refusal)).toMatchObject({ status: 404 })
  })
})
