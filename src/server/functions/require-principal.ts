import { createMiddleware } from '@tanstack/react-start'
import { requestAuthOf } from '../auth/request-context'
import { HttpError } from './http-error'

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
