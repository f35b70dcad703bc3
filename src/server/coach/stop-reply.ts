import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import { chatMessagesRepository } from '~/server/repositories/chat-messages-repository'
import { NotFoundError } from '~/server/repositories/errors'
import { activeReplies, STOPPED_BY_USER } from './active-replies'

/**
 * Stops a reply from any device. The process generating it aborts and writes the end itself; a
 * reply nobody is generating any more (another instance died) is ended here, keeping its text.
 */
export async function stopReply(db: Executor, session: Session, messageId: string) {
  const message = await chatMessagesRepository.findMessage(db, session.accountId, messageId)
  if (!message || message.sessionId !== session.id || message.role !== 'assistant') {
    throw new NotFoundError('Reply', messageId)
  }
  if (message.status !== 'streaming') return { stopped: false }
  if (activeReplies.stop(messageId, STOPPED_BY_USER)) return { stopped: true }
  const { message: ended } = await chatMessagesRepository.finishReply(db, session.accountId, messageId, {
    content: message.content,
    status: 'failed',
    error: STOPPED_BY_USER,
  })
  return { stopped: ended !== undefined }
}
