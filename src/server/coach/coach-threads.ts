/**
 * Thread actions on behalf of someone with access to a session. Rows carry the session's account
 * (a shared session's threads belong to its owner), and a thread id is only accepted for the
 * session the caller was checked against, so access to one session never reaches another.
 */
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import { chatThreadsRepository } from '~/server/repositories/chat-threads-repository'
import { NotFoundError } from '~/server/repositories/errors'

async function requireThreadOf(db: Executor, session: Session, threadId: string) {
  const thread = await chatThreadsRepository.findThread(db, session.accountId, threadId)
  if (!thread || thread.sessionId !== session.id) throw new NotFoundError('Chat thread', threadId)
  return thread
}

export type ThreadAction = 'select' | 'archive' | 'delete' | 'clear'

export const coachThreads = {
  requireThreadOf,

  ensureActive(db: Executor, session: Session, mode: ChatMode) {
    return chatThreadsRepository.getOrCreateActiveThread(db, {
      accountId: session.accountId,
      sessionId: session.id,
      mode,
    })
  },

  startNew(db: Executor, session: Session, mode: ChatMode) {
    return chatThreadsRepository.startNewThread(db, { accountId: session.accountId, sessionId: session.id, mode })
  },

  async rename(db: Executor, session: Session, threadId: string, title: string) {
    await requireThreadOf(db, session, threadId)
    return chatThreadsRepository.renameThread(db, session.accountId, threadId, title)
  },

  /** Select (also "unarchive"), archive, delete (with promotion) or clear one thread. */
  async apply(db: Executor, session: Session, threadId: string, action: ThreadAction): Promise<{ txid: number }> {
    await requireThreadOf(db, session, threadId)
    switch (action) {
      case 'select':
        return chatThreadsRepository.selectThread(db, session.accountId, threadId)
      case 'archive':
        return chatThreadsRepository.archiveThread(db, session.accountId, threadId)
      case 'delete':
        return chatThreadsRepository.deleteThread(db, session.accountId, threadId)
      case 'clear':
        return chatThreadsRepository.clearThread(db, session.accountId, threadId)
    }
  },
}
