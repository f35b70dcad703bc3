/**
 * `/api/shape?shape=<name>[&session=<uuid>]&<Electric protocol params>` — the only way browsers
 * read synced data (see shape-catalog.ts for what each shape contains). Served before the router
 * by the server entry (`src/server.ts`); the route file hands any request that still reaches the
 * router (another method, a path the router normalises) to the same function.
 */
import { getConfig } from '@config'
import { requestAuthOf } from '~/server/auth/request-context'
import { getDatabaseClient } from '~/server/database'
import { getMemberWatch } from './member-watch'
import { proxyShapeRequest } from './shape-proxy'

/** `context` is what the global request middleware resolved for this request (`authenticateRequest`). */
export async function serveShapeRoute({ request, context }: { request: Request; context: unknown }) {
  const { principal } = requestAuthOf(context)
  if (!principal) {
    return Response.json(
      { message: 'You are not signed in (or your session expired). Reload the page to sign in again.' },
      { status: 401, headers: { 'cache-control': 'no-store', vary: 'Cookie' } },
    )
  }
  const config = getConfig()
  if (!config.ELECTRIC_URL) {
    return Response.json(
      {
        message:
          'The sync service is not configured (ELECTRIC_URL is unset). Start the app with `npm start` or set ELECTRIC_URL.',
      },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
    )
  }
  return proxyShapeRequest(request, {
    db: getDatabaseClient().db,
    principal,
    electricUrl: config.ELECTRIC_URL,
    electricSecret: config.ELECTRIC_SECRET,
    idleTimeoutMs: config.SHAPE_PROXY_IDLE_TIMEOUT_MS,
    memberWatch: getMemberWatch(),
  })
}

/** Without this the app router would answer other methods with the HTML shell (200). */
export const shapeMethodNotAllowed = () =>
  Response.json(
    { message: 'Use GET or POST for shapes.' },
    { status: 405, headers: { allow: 'GET, POST', 'cache-control': 'no-store' } },
  )
