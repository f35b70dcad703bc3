/**
 * The server entry (Start picks up `src/server.ts` in dev and in the build). The shape routes are
 * answered before Start builds its router (src/server/http/early-routes.ts); everything else goes
 * to Start's own handler. `createServerEntry` keeps both inside Start's request scope, so the
 * request middleware's header helpers work and a thrown error gets Start's error response.
 */
import handler, { createServerEntry } from '@tanstack/react-start/server-entry'
import { earlyRouteFor, serveBeforeRouter } from './server/http/early-routes'

export default createServerEntry({
  fetch(request, options) {
    const early = earlyRouteFor(request)
    return early ? serveBeforeRouter(request, early) : handler.fetch(request, options)
  },
})
