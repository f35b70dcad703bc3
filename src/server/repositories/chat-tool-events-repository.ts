/**
 * Audit rows for the coach's tool calls. A call is recorded as `executing` when it starts and
 * moves exactly once to `succeeded` or `failed` with its completion time and latency (the
 * original product never completed them; see docs/data-model.md).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type ChatToolEvent, chatToolEvents } from '~/db/schema'
import { toStorableJson, toStorableText } from '~/domain/storable-text'
import { InvalidTransitionError, NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

export interface StartToolEventInput {
  accountId: string
  sessionId: string
  threadId?: string | null
  messageId?: string | null
  toolCallId?: string | null
  toolName: string
  arguments?: unknown
  contextEvents?: unknown
}

export const chatToolEventsRepository = {
  async startToolEvent(db: Executor, input: StartToolEventInput): Promise<WithTxid<{ toolEvent: ChatToolEvent }>> {
    return writeTransaction(db, async (tx) => {
      const [toolEvent] = await tx
        .insert(chatToolEvents)
        .values({
          accountId: input.accountId,
          sessionId: input.sessionId,
          threadId: input.threadId ?? null,
          messageId: input.messageId ?? null,
          toolCallId: input.toolCallId ?? null,
          toolName: toStorableText(input.toolName),
          status: 'executing',
          arguments: input.arguments === undefined ? null : toStorableJson(input.arguments),
          contextEvents: input.contextEvents === undefined ? null : toStorableJson(input.contextEvents),
        })
        .returning()
      return { toolEvent }
    })
  },

  async completeToolEvent(
    db: Executor,
    input: {
      accountId: string
      id: string
      outcome: 'succeeded' | 'failed'
      result?: unknown
      error?: string
      contextEvents?: unknown
    },
  ): Promise<WithTxid<{ toolEvent: ChatToolEvent }>> {
    return writeTransaction(db, async (tx) => {
      const [toolEvent] = await tx
        .update(chatToolEvents)
        .set({
          status: input.outcome,
          result: input.result === undefined ? null : toStorableJson(input.result),
          error: input.error === undefined ? null : toStorableText(input.error),
          ...(input.contextEvents === undefined ? {} : { contextEvents: toStorableJson(input.contextEvents) }),
          completedAt: sql`now()`,
          latencyMs: sql`greatest(0, round(extract(epoch from (now() - ${chatToolEvents.startedAt})) * 1000))::int`,
        })
        .where(
          and(
            eq(chatToolEvents.id, input.id),
            eq(chatToolEvents.accountId, input.accountId),
            inArray(chatToolEvents.status, ['pending', 'executing']),
          ),
        )
        .returning()
      if (!toolEvent) {
        const [existing] = await tx
          .select({ status: chatToolEvents.status })
          .from(chatToolEvents)
          .where(and(eq(chatToolEvents.id, input.id), eq(chatToolEvents.accountId, input.accountId)))
        if (!existing) throw new NotFoundError('Tool event', input.id)
        throw new InvalidTransitionError(existing.status, input.outcome, [])
      }
      return { toolEvent }
    })
  },

  async listForSession(db: Executor, accountId: string, sessionId: string) {
    return db
      .select()
      .from(chatToolEvents)
      .where(and(eq(chatToolEvents.sessionId, sessionId), eq(chatToolEvents.accountId, accountId)))
      .orderBy(asc(chatToolEvents.startedAt), asc(chatToolEvents.id))
  },
}
