import { createMiddleware, createStart } from '@tanstack/react-start'
import { authenticateRequest } from './server/auth/request-auth'

/**
 * Runs for every request (pages, server functions, server routes). Its body is server-only: the
 * Start compiler strips it, and with it the import above, from the browser bundle.
 */
const authMiddleware = createMiddleware().server(async ({ request, next }) => {
  const result = await authenticateRequest(request)
  if (result instanceof Response) return result
  return next({ context: result })
})

export const startInstance = createStart(() => ({ requestMiddleware: [authMiddleware] }))
