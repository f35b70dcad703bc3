import { createMiddleware, createStart } from '@tanstack/react-start'
import { authenticateRequest } from './server/auth/request-auth'
import { mapErrors } from './server/http/middleware'
import { assertReadableServerFnPayload } from './server/http/server-fn-payload'

/**
 * Runs for every request (pages, server functions, server routes). Its body is server-only: the
 * Start compiler strips it, and with it the import above, from the browser bundle. The shape
 * routes, answered before the router (src/server/http/early-routes.ts), call `authenticateRequest`
 * themselves: a check every request needs belongs in there, not in another middleware here.
 */
const authMiddleware = createMiddleware().server(async ({ request, next }) => {
  const result = await authenticateRequest(request)
  if (result instanceof Response) return result
  return next({ context: result })
})

/** A server-function payload Start could not decode is the caller's 400, not our 500. */
const payloadMiddleware = createMiddleware().server(async ({ request, next, handlerType }) => {
  if (handlerType === 'serverFn') await assertReadableServerFnPayload(request)
  return next()
})

export const startInstance = createStart(() => ({
  requestMiddleware: [authMiddleware, payloadMiddleware],
  // Wraps every server function: failures become HttpErrors whose status is the response's status.
  functionMiddleware: [mapErrors],
}))
