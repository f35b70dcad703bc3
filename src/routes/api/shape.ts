import { getConfig } from '@config'
import { createFileRoute } from '@tanstack/react-router'
import { requestAuthOf } from '~/server/auth/request-context'
import { getDatabaseClient } from '~/server/database'
import { getMemberWatch } from '~/server/shapes/member-watch'
import { proxyShapeRequest } from '~/server/shapes/shape-proxy'

/**
 * `/api/shape?shape=<name>[&session=<uuid>]&<Electric protocol params>` — the only way browsers
 * read synced data. See src/server/shapes/shape-catalog.ts for what each shape contains.
 */
async function serveShape({ request, context }: { request: Request; context: unknown }) {
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

/** Without these the app router would answer other methods with the HTML shell (200). */
const methodNotAllowed = () =>
  Response.json(
    { message: 'Use GET or POST for shapes.' },
    { status: 405, headers: { allow: 'GET, POST', 'cache-control': 'no-store' } },
  )

export const Route = createFileRoute('/api/shape')({
  server: {
    handlers: {
      GET: serveShape,
      POST: serveShape,
      PUT: methodNotAllowed,
      PATCH: methodNotAllowed,
      DELETE: methodNotAllowed,
      OPTIONS: methodNotAllowed,
    },
  },
})
