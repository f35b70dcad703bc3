/**
 * What a person does with a session in the explorer: rename, archive/unarchive, delete. Each is
 * middleware (principal + access to the named session) → validation → one repository call →
 * { txid }, which the sessions collection awaits on its shape stream. The repository also requires
 * ownership, so a session shared with the caller can be read but not changed.
 */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { sessionTitleSchema } from '~/domain/sessions/session-title'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requireSessionAccess } from '~/server/http/middleware'
import { sessionsRepository } from '~/server/repositories/sessions-repository'

const sessionId = z.string().uuid('This is not a session id; reload the page and try again.')

const renameSessionInput = z.object({
  sessionId,
  title: sessionTitleSchema,
})
const archiveSessionInput = z.object({ sessionId, archived: z.boolean() })
const deleteSessionInput = z.object({ sessionId })

export const renameSession = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(renameSessionInput, (input) => input.sessionId)])
  .validator(validateWith(renameSessionInput))
  .handler(async ({ data, context }) => {
    const { txid } = await sessionsRepository.renameSession(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
      data.title,
    )
    return { txid }
  })

export const setSessionArchived = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(archiveSessionInput, (input) => input.sessionId)])
  .validator(validateWith(archiveSessionInput))
  .handler(async ({ data, context }) => {
    const { txid } = await sessionsRepository.setArchived(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
      data.archived,
    )
    return { txid }
  })

/** Deletes the session with its events, uploads and chats (see the repository for what stays). */
export const deleteSession = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(deleteSessionInput, (input) => input.sessionId)])
  .validator(validateWith(deleteSessionInput))
  .handler(async ({ data, context }) => {
    const { txid } = await sessionsRepository.deleteOwnedSession(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
    )
    return { txid }
  })
