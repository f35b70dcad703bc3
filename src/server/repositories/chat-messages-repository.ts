/**
 * Chat messages. `seq` is allocated under a lock on the thread row, so it is gap-free and strictly
 * increasing per thread however many appends race; the thread's counters change in the same
 * transaction. A retried send with the same `client_message_id` returns the row it created first.
 */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type ChatMessage, chatMessages, chatThreads } from '~/db/schema'
import type { MessageRole, MessageStatus } from '~/domain/coach/chat-kinds'
import { toStorableJson, toStorableText } from '~/domain/storable-text'
import { messagePreview } from '~/domain/text/preview'
import { NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

export interface AppendMessageInput {
  accountId: string
  threadId: string
  role: MessageRole
  content: string
  status?: MessageStatus
  /** Keep a known id (legacy import, client-generated); defaults to `chat_<uuid>`. */
  id?: string
  clientMessageId?: string | null
  misalignmentId?: string | null
  evidence?: unknown
  contextEvents?: unknown
  model?: string | null
}

export const chatMessagesRepository = {
  async appendMessage(
    db: Executor,
    input: AppendMessageInput,
  ): Promise<WithTxid<{ message: ChatMessage; created: boolean }>> {
    return writeTransaction(db, async (tx) => {
      const locked = await tx.execute<{ id: string; session_id: string; mode: 'session' | 'general' }>(
        sql`select id, session_id, mode from ${chatThreads}
            where id = ${input.threadId} and account_id = ${input.accountId} for no key update`,
      )
      const thread = locked[0]
      if (!thread) throw new NotFoundError('Chat thread', input.threadId)

      if (input.clientMessageId) {
        const [existing] = await tx
          .select()
          .from(chatMessages)
          .where(
            and(eq(chatMessages.threadId, input.threadId), eq(chatMessages.clientMessageId, input.clientMessageId)),
          )
        if (existing) return { message: existing, created: false }
      }

      const content = toStorableText(input.content)
      const [message] = await tx
        .insert(chatMessages)
        .values({
          ...(input.id ? { id: input.id } : {}),
          threadId: input.threadId,
          sessionId: thread.session_id,
          accountId: input.accountId,
          mode: thread.mode,
          role: input.role,
          content,
          status: input.status ?? 'complete',
          seq: sql`(select coalesce(max(seq), 0) + 1 from ${chatMessages} where thread_id = ${input.threadId})`,
          clientMessageId: input.clientMessageId ?? null,
          misalignmentId: input.misalignmentId ?? null,
          evidence: input.evidence === undefined ? null : toStorableJson(input.evidence),
          contextEvents: input.contextEvents === undefined ? null : toStorableJson(input.contextEvents),
          model: input.model ?? null,
        })
        .returning()
      await tx
        .update(chatThreads)
        .set({
          messageCount: sql`${chatThreads.messageCount} + 1`,
          lastMessagePreview: messagePreview(content),
          lastMessageAt: message.createdAt,
          updatedAt: sql`now()`,
        })
        .where(eq(chatThreads.id, input.threadId))
      return { message, created: true }
    })
  },

  /**
   * A prompt and the row of its reply, in one transaction under the thread lock: the user message
   * (deduplicated by `clientMessageId`) and, when it is new, an empty assistant row in `streaming`
   * state that every device sees at once. A retried prompt gets the existing rows and no new reply.
   */
  async appendPromptWithReply(
    db: Executor,
    input: {
      accountId: string
      threadId: string
      prompt: string
      clientMessageId: string
      contextEvents?: unknown
      reply: { model: string; misalignmentId?: string | null; evidence?: unknown }
    },
  ): Promise<WithTxid<{ prompt: ChatMessage; reply: ChatMessage | undefined; created: boolean }>> {
    return writeTransaction(db, async (tx) => {
      const locked = await tx.execute<{ id: string; session_id: string; mode: 'session' | 'general' }>(
        sql`select id, session_id, mode from ${chatThreads}
            where id = ${input.threadId} and account_id = ${input.accountId} for no key update`,
      )
      const thread = locked[0]
      if (!thread) throw new NotFoundError('Chat thread', input.threadId)
      const [existing] = await tx
        .select()
        .from(chatMessages)
        .where(and(eq(chatMessages.threadId, input.threadId), eq(chatMessages.clientMessageId, input.clientMessageId)))
      if (existing) {
        const [reply] = await tx
          .select()
          .from(chatMessages)
          .where(
            and(
              eq(chatMessages.threadId, input.threadId),
              eq(chatMessages.role, 'assistant'),
              sql`${chatMessages.seq} > ${existing.seq}`,
            ),
          )
          .orderBy(asc(chatMessages.seq))
          .limit(1)
        return { prompt: existing, reply, created: false }
      }
      const nextSeq = sql`(select coalesce(max(seq), 0) + 1 from ${chatMessages} where thread_id = ${input.threadId})`
      const common = {
        threadId: input.threadId,
        sessionId: thread.session_id,
        accountId: input.accountId,
        mode: thread.mode,
      }
      const promptText = toStorableText(input.prompt)
      const [prompt] = await tx
        .insert(chatMessages)
        .values({
          ...common,
          role: 'user',
          content: promptText,
          status: 'complete',
          seq: nextSeq,
          clientMessageId: input.clientMessageId,
          contextEvents: input.contextEvents === undefined ? null : toStorableJson(input.contextEvents),
        })
        .returning()
      const [reply] = await tx
        .insert(chatMessages)
        .values({
          ...common,
          role: 'assistant',
          content: '',
          status: 'streaming',
          seq: nextSeq,
          model: input.reply.model,
          misalignmentId: input.reply.misalignmentId ?? null,
          evidence: input.reply.evidence === undefined ? null : toStorableJson(input.reply.evidence),
        })
        .returning()
      await tx
        .update(chatThreads)
        .set({
          messageCount: sql`${chatThreads.messageCount} + 2`,
          lastMessagePreview: messagePreview(promptText),
          lastMessageAt: reply.createdAt,
          updatedAt: sql`now()`,
        })
        .where(eq(chatThreads.id, input.threadId))
      return { prompt, reply, created: true }
    })
  },

  /** Streaming replies grow in place; the final update marks them complete or failed. */
  async updateMessage(
    db: Executor,
    accountId: string,
    messageId: string,
    patch: { content?: string; status?: MessageStatus; error?: string | null },
  ): Promise<WithTxid<{ message: ChatMessage }>> {
    return writeTransaction(db, async (tx) => {
      const [message] = await tx
        .update(chatMessages)
        .set({
          ...(patch.content === undefined ? {} : { content: toStorableText(patch.content) }),
          ...(patch.status === undefined ? {} : { status: patch.status }),
          ...(patch.error === undefined ? {} : { error: patch.error === null ? null : toStorableText(patch.error) }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(chatMessages.id, messageId), eq(chatMessages.accountId, accountId)))
        .returning()
      if (!message) throw new NotFoundError('Chat message', messageId)
      if (patch.content !== undefined) {
        await tx
          .update(chatThreads)
          .set({ lastMessagePreview: messagePreview(message.content), updatedAt: sql`now()` })
          .where(
            and(
              eq(chatThreads.id, message.threadId),
              sql`${message.seq} = (select max(seq) from ${chatMessages} where thread_id = ${message.threadId})`,
            ),
          )
      }
      return { message }
    })
  },

  /**
   * Ends a streaming reply unless it already ended: a stop from another device, the stream's own
   * end and the start-up sweep may race, and the first one wins.
   */
  async finishReply(
    db: Executor,
    accountId: string,
    messageId: string,
    outcome: { content: string; status: 'complete' | 'failed'; error?: string },
  ): Promise<WithTxid<{ message: ChatMessage | undefined }>> {
    return writeTransaction(db, async (tx) => {
      const [message] = await tx
        .update(chatMessages)
        .set({
          content: toStorableText(outcome.content),
          status: outcome.status,
          error: outcome.error === undefined ? null : toStorableText(outcome.error),
          updatedAt: sql`now()`,
        })
        .where(
          and(
            eq(chatMessages.id, messageId),
            eq(chatMessages.accountId, accountId),
            eq(chatMessages.status, 'streaming'),
          ),
        )
        .returning()
      if (message) {
        await tx
          .update(chatThreads)
          .set({ lastMessagePreview: messagePreview(message.content), updatedAt: sql`now()` })
          .where(
            and(
              eq(chatThreads.id, message.threadId),
              sql`${message.seq} = (select max(seq) from ${chatMessages} where thread_id = ${message.threadId})`,
            ),
          )
      }
      return { message }
    })
  },

  /** Replies a crashed or killed server left `streaming`: nothing will ever finish them. */
  async failAbandonedReplies(db: Executor, error: string) {
    return writeTransaction(db, async (tx) => {
      const failed = await tx
        .update(chatMessages)
        .set({ status: 'failed', error, updatedAt: sql`now()` })
        .where(eq(chatMessages.status, 'streaming'))
        .returning({ id: chatMessages.id })
      return { count: failed.length }
    })
  },

  /** The reply that followed a user message (the next assistant message of its thread), if any. */
  async findReplyTo(db: Executor, userMessage: ChatMessage) {
    const [reply] = await db
      .select()
      .from(chatMessages)
      .where(
        and(
          eq(chatMessages.threadId, userMessage.threadId),
          eq(chatMessages.role, 'assistant'),
          sql`${chatMessages.seq} > ${userMessage.seq}`,
        ),
      )
      .orderBy(asc(chatMessages.seq))
      .limit(1)
    return reply
  },

  async findMessage(db: Executor, accountId: string, messageId: string) {
    const [message] = await db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.id, messageId), eq(chatMessages.accountId, accountId)))
    return message
  },

  async listMessages(db: Executor, accountId: string, threadId: string) {
    return db
      .select()
      .from(chatMessages)
      .where(and(eq(chatMessages.threadId, threadId), eq(chatMessages.accountId, accountId)))
      .orderBy(asc(chatMessages.seq))
  },
}
