/**
 * `/api/share/shape?share=<token>&shape=<share shape>&<Electric protocol params>` — what a share
 * link's visitor reads (src/sync/share-catalog.ts). No cookie is needed or looked at. Served before
 * the router by the server entry (`src/server.ts`), like `/api/shape`; the route file delegates here.
 */
import { getConfig } from '@config'
import { getDatabaseClient } from '~/server/database'
import { getShareLinkWatch } from './share-link-watch'
import { serveShareShape } from './share-shape'

export async function serveShareShapeRoute({ request }: { request: Request }) {
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
