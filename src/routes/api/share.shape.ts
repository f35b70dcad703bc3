import { getConfig } from '@config'
import { createFileRoute } from '@tanstack/react-router'
import { getDatabaseClient } from '~/server/database'
import { getShareLinkWatch } from '~/server/share/share-link-watch'
import { serveShareShape } from '~/server/share/share-shape'

/**
 * `/api/share/shape?share=<token>&shape=<share shape>&<Electric protocol params>` — what a share
 * link's visitor reads (src/sync/share-catalog.ts). No cookie is needed or looked at.
 */
async function serve({ request }: { request: Request }) {
  const config = getConfig()
  if (!config.ELECTRIC_URL) {
    return Response.json(
      { message: 'The sync service is not configured on this server.' },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '5' } },
    )
  }
  return serveShareShape(request, {
    db: getDatabaseClient().db,
    watch: getShareLinkWatch(),
    electricUrl: config.ELECTRIC_URL,
    electricSecret: config.ELECTRIC_SECRET,
    idleTimeoutMs: config.SHAPE_PROXY_IDLE_TIMEOUT_MS,
  })
}

const methodNotAllowed = () =>
  Response.json(
    { message: 'Use GET or POST for shapes.' },
    { status: 405, headers: { allow: 'GET, POST', 'cache-control': 'no-store' } },
  )

export const Route = createFileRoute('/api/share/shape')({
  server: {
    handlers: {
      GET: serve,
      POST: serve,
      PUT: methodNotAllowed,
      PATCH: methodNotAllowed,
      DELETE: methodNotAllowed,
      OPTIONS: methodNotAllowed,
    },
  },
})
