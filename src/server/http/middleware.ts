/**
 * Function middleware shared by every server function. This module is referenced from the browser
 * bundle (server functions list their middleware), so everything server-only stays inside the
 * `.server()` bodies, which the Start compiler strips from the client build.
 *
 * Order in a server function: `.middleware([requirePrincipal, requireSessionAccess(…)])`, after the
 * global `mapErrors` (registered in src/start.ts, so it wraps every server function).
 */
import { createMiddleware } from '@tanstack/react-start'
import { setResponseStatus } from '@tanstack/react-start/server'
import type { z } from 'zod'
import type { Session } from '~/db/schema'
import { requestAuthOf } from '~/server/auth/request-context'
import { getDatabaseClient } from '~/server/database'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { HttpError, toHttpError, validateWith } from './errors'

/**
 * Turns whatever the rest of the chain throws (validation, authorization, repositories) into an
 * HttpError and puts its status on the response, so monitoring and proxies see 400/401/403/404/
 * 409/429 instead of a 200 carrying an error. No handler needs a try/catch of its own.
 */
export const mapErrors = createMiddleware({ type: 'function' }).server(async ({ next }) => {
  try {
    return await next()
  } catch (error) {
    const httpError = toHttpError(error)
    setResponseStatus(httpError.status)
    throw httpError
  }
})

/**
 * Every server function that touches data starts with this: the request middleware (src/start.ts)
 * resolved the session cookie; without a principal the call is refused with 401.
 */
export const requirePrincipal = createMiddleware({ type: 'function' }).server(async ({ next, context }) => {
  const { principal } = requestAuthOf(context)
  if (!principal)
    throw new HttpError(401, 'You are not signed in (or your session expired). Reload the page to sign in again.')
  return next({ context: { principal } })
})

const DEFAULT_REFUSAL = 'You do not have access to this session (it does not exist, or it is not shared with you).'

/**
 * For every write that names a session: validates the input with `schema`, then refuses with 403
 * unless the caller owns the session or it is shared with them. The session (with its
 * `accountId`, which session-scoped rows must carry) is put into the context. An input that names
 * no session (`select` gives null or undefined) passes with `session: undefined`.
 */
export function requireSessionAccess<S extends z.ZodType>(
  schema: S,
  select: (input: z.output<S>) => string | null | undefined,
  refusal = DEFAULT_REFUSAL,
) {
  return createMiddleware({ type: 'function' })
    .middleware([requirePrincipal])
    .validator(validateWith(schema))
    .server(async ({ next, context, data }) => {
      const sessionId = select(data as z.output<S>)
      if (!sessionId) return next({ context: { session: undefined as Session | undefined } })
      const session = await sessionsRepository.findAccessibleSession(
        getDatabaseClient().db,
        { accountId: context.principal.account.id, userId: context.principal.user.id },
        sessionId,
      )
      if (!session) throw new HttpError(403, refusal)
      return next({ context: { session: session as Session | undefined } })
    })
}
