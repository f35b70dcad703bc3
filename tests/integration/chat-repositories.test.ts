import { and, eq } from 'drizzle-orm'
import { beforeEach, describe, expect, it } from 'vitest'
import { chatMessages, chatThreads } from '../../src/db/schema'
import { NUL_REPLACEMENT } from '../../src/domain/storable-text'
import { chatMessagesRepository } from '../../src/server/repositories/chat-messages-repository'
import { chatThreadsRepository } from '../../src/server/repositories/chat-threads-repository'
import { NotFoundError } from '../../src/server/repositories/errors'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile({ maxConnections: 20 })

let scope: { accountId: string; sessionId: string; mode: 'session' }
beforeEach(async () => {
  const { account, session } = await seedAccountWithSession(testDb.db)
  scope = { accountId: account.id, sessionId: session.id, mode: 'session' }
})

async function activeThreads() {
  return testDb.db
    .select()
    .from(chatThreads)
    .where(
      and(
        eq(chatThreads.sessionId, scope.sessionId),
        eq(chatThreads.mode, scope.mode),
        eq(chatThreads.status, 'active'),
      ),
    )
}

describe('chat threads', () => {
  it('creates the active thread once and returns it afterwards, with a txid', async () => {
    const first = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const second = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    expect(first.created).toBe(true)
    expect(first.thread.title).toBe('Session Coach')
    expect(first.thread.id).toMatch(/^thread_[0-9a-f-]{36}$/)
    expect(second).toMatchObject({ created: false, thread: { id: first.thread.id } })
    expect(Number.isInteger(first.txid) && first.txid > 0).toBe(true)
    expect(second.txid).not.toBe(first.txid)
  })

  it('two concurrent creations for one (session, mode) leave exactly one active thread', async () => {
    const results = await Promise.all([1, 2].map(() => chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)))
    expect(new Set(results.map((r) => r.thread.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(await activeThreads()).toHaveLength(1)
  })

  it('the database itself refuses a second active thread', async () => {
    await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    await expect(
      testDb.db.insert(chatThreads).values({ ...scope, title: 'rogue', status: 'active' }),
    ).rejects.toMatchObject({
      cause: { constraint_name: 'chat_threads_one_active_uq' },
    })
  })

  it('"new chat" archives the active thread and numbers the new one', async () => {
    const { thread: first } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const { thread: second, archived } = await chatThreadsRepository.startNewThread(testDb.db, scope)
    expect(archived?.id).toBe(first.id)
    expect(archived?.status).toBe('archived')
    expect(second.title).toBe('Session Coach #2')
    const concurrent = await Promise.all([1, 2, 3].map(() => chatThreadsRepository.startNewThread(testDb.db, scope)))
    expect(concurrent.map((r) => r.thread.title).sort()).toEqual([
      'Session Coach #3',
      'Session Coach #4',
      'Session Coach #5',
    ])
    expect(await activeThreads()).toHaveLength(1)
  })

  it('selecting (or unarchiving) a thread archives its peers', async () => {
    const { thread: first } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const { thread: second } = await chatThreadsRepository.startNewThread(testDb.db, scope)
    const { thread } = await chatThreadsRepository.selectThread(testDb.db, scope.accountId, first.id)
    expect(thread.status).toBe('active')
    const active = await activeThreads()
    expect(active.map((t) => t.id)).toEqual([first.id])
    const [old] = await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, second.id))
    expect(old.status).toBe('archived')
  })

  it('deleting the active thread promotes the most recently updated one, then creates a new one', async () => {
    const { thread: a } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const { thread: b } = await chatThreadsRepository.startNewThread(testDb.db, scope)
    await chatThreadsRepository.renameThread(testDb.db, scope.accountId, a.id, 'touched last') // a is now newest
    const { active } = await chatThreadsRepository.deleteThread(testDb.db, scope.accountId, b.id)
    expect(active.id).toBe(a.id)
    expect(active.status).toBe('active')
    const { active: fresh } = await chatThreadsRepository.deleteThread(testDb.db, scope.accountId, a.id)
    expect(fresh.id).not.toBe(a.id)
    expect(fresh.title).toBe('Session Coach')
    expect(await activeThreads()).toHaveLength(1)
  })

  it('archiving the active thread promotes another; messages of a deleted thread go with it', async () => {
    const { thread: a } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: scope.accountId,
      threadId: a.id,
      role: 'user',
      content: 'hi',
    })
    const { thread: b } = await chatThreadsRepository.startNewThread(testDb.db, scope)
    const { thread: archived, active } = await chatThreadsRepository.archiveThread(testDb.db, scope.accountId, b.id)
    expect(archived.status).toBe('archived')
    expect(active.id).toBe(a.id)
    await chatThreadsRepository.deleteThread(testDb.db, scope.accountId, a.id)
    expect(await testDb.db.select().from(chatMessages).where(eq(chatMessages.threadId, a.id))).toEqual([])
  })

  it('clear removes messages and resets counters; rename ignores blank titles', async () => {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: scope.accountId,
      threadId: thread.id,
      role: 'user',
      content: 'x',
    })
    const { thread: cleared } = await chatThreadsRepository.clearThread(testDb.db, scope.accountId, thread.id)
    expect(cleared).toMatchObject({ messageCount: 0, lastMessagePreview: null, lastMessageAt: null, status: 'active' })
    const { thread: renamed } = await chatThreadsRepository.renameThread(testDb.db, scope.accountId, thread.id, '   ')
    expect(renamed.title).toBe('Session Coach')
  })

  it("refuses threads of another account's session", async () => {
    const other = await seedAccountWithSession(testDb.db, 'Other')
    await expect(
      chatThreadsRepository.getOrCreateActiveThread(testDb.db, { ...scope, accountId: other.account.id }),
    ).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('chat messages', () => {
  it('50 parallel appends to one thread get seq 1..50 and message_count 50', async () => {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        chatMessagesRepository.appendMessage(testDb.db, {
          accountId: scope.accountId,
          threadId: thread.id,
          role: i % 2 ? 'assistant' : 'user',
          content: `message ${i}`,
        }),
      ),
    )
    const messages = await chatMessagesRepository.listMessages(testDb.db, scope.accountId, thread.id)
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const [after] = await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, thread.id))
    expect(after.messageCount).toBe(50)
    const last = messages[messages.length - 1]
    expect(after.lastMessagePreview).toBe(last.content)
    expect(after.lastMessageAt?.getTime()).toBe(last.createdAt.getTime())
  })

  it('10 parallel sends with one client_message_id store one row and all return it', async () => {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        chatMessagesRepository.appendMessage(testDb.db, {
          accountId: scope.accountId,
          threadId: thread.id,
          role: 'user',
          content: 'retry me',
          clientMessageId: 'client-1',
        }),
      ),
    )
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    expect(await chatMessagesRepository.listMessages(testDb.db, scope.accountId, thread.id)).toHaveLength(1)
    const [after] = await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, thread.id))
    expect(after.messageCount).toBe(1)
  })

  it('keeps previews to 280 characters and stores NUL characters as U+FFFD instead of failing', async () => {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const long = `${'a'.repeat(300)}`
    await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: scope.accountId,
      threadId: thread.id,
      role: 'user',
      content: long,
    })
    const { message } = await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: scope.accountId,
      threadId: thread.id,
      role: 'assistant',
      content: 'before\u0000after',
      evidence: [{ snippet: 'nul\u0000here' }],
    })
    expect(message.content).toBe(`before${NUL_REPLACEMENT}after`)
    expect(message.evidence).toEqual([{ snippet: `nul${NUL_REPLACEMENT}here` }])
    const [after] = await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, thread.id))
    expect(after.lastMessagePreview).toBe(`before${NUL_REPLACEMENT}after`)
    const messages = await chatMessagesRepository.listMessages(testDb.db, scope.accountId, thread.id)
    expect(messages[0].content).toHaveLength(300)
  })

  it('streaming updates grow the message and the thread preview', async () => {
    const { thread } = await chatThreadsRepository.getOrCreateActiveThread(testDb.db, scope)
    const { message } = await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: scope.accountId,
      threadId: thread.id,
      role: 'assistant',
      content: '',
      status: 'streaming',
    })
    const { message: done } = await chatMessagesRepository.updateMessage(testDb.db, scope.accountId, message.id, {
      content: 'full reply',
      status: 'complete',
    })
    expect(done).toMatchObject({ content: 'full reply', status: 'complete' })
    const [after] = await testDb.db.select().from(chatThreads).where(eq(chatThreads.id, thread.id))
    expect(after.lastMessagePreview).toBe('full reply')
  })
})
