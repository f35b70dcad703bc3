/**
 * Chat threads per (session, mode) with exactly one `active` thread (partial unique index).
 * Every structural change locks the session row first, so "new chat", select, archive and delete
 * racing on one session run one after another and the invariant holds without retries.
 */
import { and, count, desc, eq, ne, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type ChatThread, chatMessages, chatThreads, sessions } from '~/db/schema'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import { toStorableText } from '~/domain/storable-text'
import { NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

export const DEFAULT_THREAD_TITLES: Record<ChatMode, string> = { session: 'Session Coach', general: 'General' }

export interface ThreadScope {
  accountId: string
  sessionId: string
  mode: ChatMode
}

async function lockSession(tx: Executor, accountId: string, sessionId: string) {
  const rows = await tx.execute(
    // NO KEY UPDATE serialises thread changes per session without blocking the FK (KEY SHARE)
    // locks that concurrent message inserts take on the same session row.
    sql`select id from ${sessions} where id = ${sessionId} and account_id = ${accountId} for no key update`,
  )
  if (rows.length === 0) throw new NotFoundError('Session', sessionId)
}

async function lockThread(tx: Executor, accountId: string, threadId: string) {
  const [thread] = await tx
    .select()
    .from(chatThreads)
    .where(and(eq(chatThreads.id, threadId), eq(chatThreads.accountId, accountId)))
  if (!thread) throw new NotFoundError('Chat thread', threadId)
  await lockSession(tx, accountId, thread.sessionId)
  // Re-read under the lock: the first read only told us which session to lock.
  const [locked] = await tx.select().from(chatThreads).where(eq(chatThreads.id, threadId))
  if (!locked) throw new NotFoundError('Chat thread', threadId)
  return locked
}

/** `Session Coach`, then `Session Coach #2`, `#3`… (N = threads of this session and mode + 1). */
async function nextTitle(tx: Executor, { sessionId, mode }: ThreadScope) {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(chatThreads)
    .where(and(eq(chatThreads.sessionId, sessionId), eq(chatThreads.mode, mode)))
  return n === 0 ? DEFAULT_THREAD_TITLES[mode] : `${DEFAULT_THREAD_TITLES[mode]} #${n + 1}`
}

async function insertActiveThread(tx: Executor, { accountId, sessionId, mode }: ThreadScope) {
  const title = await nextTitle(tx, { accountId, sessionId, mode })
  const [thread] = await tx
    .insert(chatThreads)
    .values({ accountId, sessionId, mode, title, status: 'active' })
    .returning()
  return thread
}

async function findActive(tx: Executor, { sessionId, mode }: Omit<ThreadScope, 'accountId'>) {
  const [thread] = await tx
    .select()
    .from(chatThreads)
    .where(and(eq(chatThreads.sessionId, sessionId), eq(chatThreads.mode, mode), eq(chatThreads.status, 'active')))
  return thread
}

/**
 * After the active thread went away: the most recently updated remaining thread becomes active,
 * else a fresh one is created — the rule of the original product, which users already know.
 */
async function promoteAfterRemoval(tx: Executor, scope: ThreadScope, excludeId: string) {
  const existing = await findActive(tx, scope)
  if (existing && existing.id !== excludeId) return existing
  const [candidate] = await tx
    .select()
    .from(chatThreads)
    .where(
      and(eq(chatThreads.sessionId, scope.sessionId), eq(chatThreads.mode, scope.mode), ne(chatThreads.id, excludeId)),
    )
    .orderBy(desc(chatThreads.updatedAt), desc(chatThreads.id))
    .limit(1)
  if (!candidate) return insertActiveThread(tx, scope)
  const [promoted] = await tx
    .update(chatThreads)
    .set({ status: 'active', updatedAt: sql`now()` })
    .where(eq(chatThreads.id, candidate.id))
    .returning()
  return promoted
}

export const chatThreadsRepository = {
  async findThread(db: Executor, accountId: string, threadId: string) {
    const [thread] = await db
      .select()
      .from(chatThreads)
      .where(and(eq(chatThreads.id, threadId), eq(chatThreads.accountId, accountId)))
    return thread
  },

  /** The active thread of (session, mode), created when there is none. */
  async getOrCreateActiveThread(
    db: Executor,
    scope: ThreadScope,
  ): Promise<WithTxid<{ thread: ChatThread; created: boolean }>> {
    return writeTransaction(db, async (tx) => {
      await lockSession(tx, scope.accountId, scope.sessionId)
      const existing = await findActive(tx, scope)
      const thread = existing ?? (await insertActiveThread(tx, scope))
      return { thread, created: !existing }
    })
  },

  /** "New chat": archive the active thread and start a new active one. */
  async startNewThread(
    db: Executor,
    scope: ThreadScope,
  ): Promise<WithTxid<{ thread: ChatThread; archived?: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      await lockSession(tx, scope.accountId, scope.sessionId)
      const [archived] = await tx
        .update(chatThreads)
        .set({ status: 'archived', updatedAt: sql`now()` })
        .where(
          and(
            eq(chatThreads.sessionId, scope.sessionId),
            eq(chatThreads.mode, scope.mode),
            eq(chatThreads.status, 'active'),
          ),
        )
        .returning()
      const thread = await insertActiveThread(tx, scope)
      return { thread, archived }
    })
  },

  /** Make a thread the active one of its (session, mode); its peers are archived. Also "unarchive". */
  async selectThread(db: Executor, accountId: string, threadId: string): Promise<WithTxid<{ thread: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      const target = await lockThread(tx, accountId, threadId)
      if (target.status !== 'active') {
        await tx
          .update(chatThreads)
          .set({ status: 'archived', updatedAt: sql`now()` })
          .where(
            and(
              eq(chatThreads.sessionId, target.sessionId),
              eq(chatThreads.mode, target.mode),
              eq(chatThreads.status, 'active'),
            ),
          )
      }
      const [thread] = await tx
        .update(chatThreads)
        .set({ status: 'active', updatedAt: sql`now()` })
        .where(eq(chatThreads.id, threadId))
        .returning()
      return { thread }
    })
  },

  /** Archive a thread; if it was active, another thread is promoted (or a new one created). */
  async archiveThread(
    db: Executor,
    accountId: string,
    threadId: string,
  ): Promise<WithTxid<{ thread: ChatThread; active: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      const target = await lockThread(tx, accountId, threadId)
      const [thread] = await tx
        .update(chatThreads)
        .set({ status: 'archived', updatedAt: sql`now()` })
        .where(eq(chatThreads.id, threadId))
        .returning()
      const active = await promoteAfterRemoval(tx, target, threadId)
      return { thread, active }
    })
  },

  /** Delete a thread and its messages; promotion as for archive. */
  async deleteThread(db: Executor, accountId: string, threadId: string): Promise<WithTxid<{ active: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      const target = await lockThread(tx, accountId, threadId)
      await tx.delete(chatThreads).where(eq(chatThreads.id, threadId))
      const active = await promoteAfterRemoval(tx, target, threadId)
      return { active }
    })
  },

  /** Delete every message of a thread and reset its counters; the thread keeps its status. */
  async clearThread(db: Executor, accountId: string, threadId: string): Promise<WithTxid<{ thread: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      await lockThread(tx, accountId, threadId)
      await tx.delete(chatMessages).where(eq(chatMessages.threadId, threadId))
      const [thread] = await tx
        .update(chatThreads)
        .set({ messageCount: 0, lastMessagePreview: null, lastMessageAt: null, updatedAt: sql`now()` })
        .where(eq(chatThreads.id, threadId))
        .returning()
      return { thread }
    })
  },

  /** A blank title keeps the old one (as the original product did). */
  async renameThread(
    db: Executor,
    accountId: string,
    threadId: string,
    title: string,
  ): Promise<WithTxid<{ thread: ChatThread }>> {
    return writeTransaction(db, async (tx) => {
      const current = await lockThread(tx, accountId, threadId)
      const trimmed = toStorableText(title.trim()).slice(0, 200)
      const [thread] = await tx
        .update(chatThreads)
        .set({ title: trimmed || current.title, updatedAt: sql`now()` })
        .where(eq(chatThreads.id, threadId))
        .returning()
      return { thread }
    })
  },
}
