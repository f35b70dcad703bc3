/**
 * Server routes answered before TanStack Start builds its router. Start makes a router and a
 * request context for every request, server routes included, before a route handler runs (about
 * 12 % of the app's CPU per proxied shape request, docs/benchmarks.md "Proxy overhead"). The shape
 * routes are the app's hottest path and need neither, so the server entry (`src/server.ts`) hands
 * them here. Every check stays: the same global request middleware (`authenticateRequest`: host,
 * body size, bearer refusal, same-origin, session cookie with its cache) runs first, then the same
 * route handler the route file uses, and the response gets the headers the middleware decided, as
 * Start would apply them. A handler that throws is answered by Start's error handling in the entry.
 */
import { getResponseHeaders } from '@tanstack/react-start/server'
import { authenticateRequest } from '~/server/auth/request-auth'
import { serveShapeRoute } from '~/server/shapes/shape-route'
import { serveShareShapeRoute } from '~/server/share/share-shape-route'

export type EarlyRouteHandler = (args: { request: Request; context: unknown }) => Promise<Response>

/**
 * Exact paths only: anything the router would first normalise (a trailing slash, encoded
 * characters) and every other method still goes through the router, to the same handler or the
 * route's 405.
 */
const EARLY_ROUTES: ReadonlyMap<string, EarlyRouteHandler> = new Map([
  ['/api/shape', serveShapeRoute],
  ['/api/share/shape', serveShareShapeRoute],
])
const EARLY_METHODS = new Set(['GET', 'POST'])

/** The handler that answers `request` before the router, if any. */
export function earlyRouteFor(request: Request): EarlyRouteHandler | undefined {
  if (!EARLY_METHODS.has(request.method)) return undefined
  return EARLY_ROUTES.get(new URL(request.url).pathname)
}

/** Must run inside Start's request scope (`createServerEntry`), where the middleware's header helpers work. */
export async function serveBeforeRouter(request: Request, handler: EarlyRouteHandler): Promise<Response> {
  const auth = await authenticateRequest(request)
  const response = auth instanceof Response ? auth : await handler({ request, context: auth })
  return withMiddlewareHeaders(response)
}

/**
 * What Start does to a response leaving its pipeline: headers the middleware set (the security
 * headers) replace the response's own of that name, and its cookies (a new or renewed session) are
 * added.
 */
function withMiddlewareHeaders(response: Response): Response {
  const decided = getResponseHeaders()
  const cookies = decided.getSetCookie()
  const changes: [string, string][] = []
  decided.forEach((value, name) => {
    if (name !== 'set-cookie' && response.headers.get(name) !== value) changes.push([name, value])
  })
  if (changes.length === 0 && cookies.length === 0) return response
  const apply = (headers: Headers) => {
    for (const [name, value] of changes) headers.set(name, value)
    for (const cookie of cookies) headers.append('set-cookie', cookie)
  }
  try {
    apply(response.headers)
    return response
  } catch {
    // Immutable headers (a fetched or redirect response): the body moves to a copy.
    const headers = new Headers(response.headers)
    apply(headers)
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  }
}
