/**
 * Coach actions for the chat_* collections: middleware (principal, session access) → validation →
 * one service call → `{ txid }` to await on the shape stream. Replies themselves stream from
 * `POST /api/coach/stream`.
 */
import { getConfig } from '@config'
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { CHAT_MODES } from '~/domain/coach/chat-kinds'
import { attachedEventNumbers } from '~/domain/coach/event-references'
import { coachMetadataSchema } from '~/domain/coach/stream-protocol'
import { fitContext, gatherContext } from '~/server/coach/coach-context'
import { coachThreads } from '~/server/coach/coach-threads'
import { providerStatus } from '~/server/coach/providers'
import { stopReply } from '~/server/coach/stop-reply'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'

const sessionId = z.string().uuid('sessionId must be the id of a session (a UUID).')
const threadId = z.string().trim().min(1, 'threadId is empty.').max(200)
const mode = z.enum(CHAT_MODES, { message: "mode must be 'session' or 'general'." })

const scopeInput = z.object({ sessionId, mode })
const threadInput = z.object({ sessionId, threadId })
const threadActionInput = threadInput.extend({ action: z.enum(['select', 'archive', 'delete', 'clear']) })
const renameInput = threadInput.extend({ title: z.string().max(200, 'Titles are at most 200 characters.') })
const stopInput = z.object({ sessionId, messageId: z.string().trim().min(1).max(200) })
const previewInput = z.object({
  sessionId,
  prompt: z.string().max(20_000).default(''),
  metadata: coachMetadataSchema.optional(),
})

const sessionOf = (input: { sessionId: string }) => input.sessionId

function accessibleSession(context: { session: unknown }) {
  // requireSessionAccess always names a session here (every input has one).
  return context.session as NonNullable<Parameters<typeof coachThreads.ensureActive>[1]>
}

/** The active thread of (session, mode), created when there is none (so a new session has one). */
export const ensureActiveThread = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(scopeInput, sessionOf)])
  .validator(validateWith(scopeInput))
  .handler(async ({ data, context }) => {
    const { thread, txid } = await coachThreads.ensureActive(
      getDatabaseClient().db,
      accessibleSession(context),
      data.mode,
    )
    return { threadId: thread.id, txid }
  })

/** "New chat": archive the active thread, start a new active one. */
export const startNewChat = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(scopeInput, sessionOf)])
  .validator(validateWith(scopeInput))
  .handler(async ({ data, context }) => {
    const { thread, txid } = await coachThreads.startNew(getDatabaseClient().db, accessibleSession(context), data.mode)
    return { threadId: thread.id, txid }
  })

/** select (also unarchive) · archive · delete (another thread is promoted) · clear. */
export const changeChatThread = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(threadActionInput, sessionOf)])
  .validator(validateWith(threadActionInput))
  .handler(async ({ data, context }) => {
    const { txid } = await coachThreads.apply(
      getDatabaseClient().db,
      accessibleSession(context),
      data.threadId,
      data.action,
    )
    return { txid }
  })

export const renameChatThread = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(renameInput, sessionOf)])
  .validator(validateWith(renameInput))
  .handler(async ({ data, context }) => {
    const { txid } = await coachThreads.rename(
      getDatabaseClient().db,
      accessibleSession(context),
      data.threadId,
      data.title,
    )
    return { txid }
  })

/** Stop a reply from any device; the row ends `failed` with "Stopped…" and keeps its text. */
export const stopCoachReply = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(stopInput, sessionOf)])
  .validator(validateWith(stopInput))
  .handler(async ({ data, context }) => stopReply(getDatabaseClient().db, accessibleSession(context), data.messageId))

/** Which provider and models answer, and whether it is reachable (never the API key). */
export const getCoachProviderStatus = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .handler(async () => providerStatus(getConfig()))

/** The context a prompt would be sent with: sections and tokens against the budget. */
export const previewCoachContext = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(previewInput, sessionOf)])
  .validator(validateWith(previewInput))
  .handler(async ({ data, context }) => {
    const session = accessibleSession(context)
    const numbers = attachedEventNumbers(data.prompt, data.metadata)
    const gathered = await gatherContext(getDatabaseClient().db, session, numbers)
    return fitContext(gathered, getConfig().COACH_CONTEXT_TOKENS).summary
  })
