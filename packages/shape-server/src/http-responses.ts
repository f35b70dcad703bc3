import type { IncomingMessage, ServerResponse } from 'node:http'

export const ELECTRIC_SERVER_HEADER = 'ElectricSQL/1.7.12 (session-coach embedded)'

const EXPOSED_HEADERS = [
  'electric-cursor',
  'electric-handle',
  'electric-has-data',
  'electric-offset',
  'electric-schema',
  'electric-up-to-date',
  'electric-internal-known-error',
  'electric-snapshot',
  'retry-after',
].join(',')

/**
 * The cache-control values Electric sends (the clients and CDNs rely on them), copied as they are.
 * Other non-live reads use `nonLiveCacheControl` (its lifetimes are settings, as in Electric).
 */
export const CACHE = {
  initialChunk: 'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746',
  live: 'public, max-age=5, stale-while-revalidate=5',
  mustRefetch: 'public, max-age=60, must-revalidate',
  subset: 'no-cache',
  error: 'no-store',
} as const

/** `ELECTRIC_CACHE_MAX_AGE` / `ELECTRIC_CACHE_STALE_AGE` (seconds; Electric: 60 and 300). */
export interface CacheLifetimes {
  maxAge: number
  staleAge: number
}

export function nonLiveCacheControl({ maxAge, staleAge }: CacheLifetimes): string {
  return `public, max-age=${maxAge}, stale-while-revalidate=${staleAge}`
}

/** The entity tags of `If-None-Match` (a list, possibly weak or `*`), without quotes. */
export function requestedEntityTags(request: IncomingMessage): string[] {
  const header = request.headers['if-none-match']
  if (!header) return []
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((tag) => tag !== '')
}

/** Requests whose responses must carry no CORS headers (see `withoutCors`). */
const sameOriginOnly = new WeakSet<IncomingMessage>()

/**
 * Answers to this request carry no `access-control-*` headers, so a browser lets no other site
 * read them. Used when the server runs without a secret and anything it serves is unprotected.
 */
export function withoutCors(request: IncomingMessage): void {
  sameOriginOnly.add(request)
}

export function baseHeaders(request: IncomingMessage): Record<string, string> {
  if (sameOriginOnly.has(request)) return { 'electric-server': ELECTRIC_SERVER_HEADER }
  return {
    'electric-server': ELECTRIC_SERVER_HEADER,
    'access-control-allow-origin': request.headers.origin ?? '*',
    'access-control-expose-headers': EXPOSED_HEADERS,
    'access-control-allow-methods': 'GET, POST, HEAD, DELETE, OPTIONS',
  }
}

export function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body?: string,
): void {
  if (response.headersSent || response.destroyed) return
  const all: Record<string, string> = { ...baseHeaders(request), ...headers }
  if (status >= 400 && status !== 409) {
    all['cache-control'] = CACHE.error
    all['surrogate-control'] = CACHE.error
  }
  if (body !== undefined) {
    all['content-type'] ??= 'application/json; charset=utf-8'
    all['content-length'] = String(Buffer.byteLength(body))
  }
  response.writeHead(status, all)
  response.end(request.method === 'HEAD' ? undefined : body)
}

export function sendJson(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(request, response, status, headers, JSON.stringify(value))
}

/** An error that maps to a specific HTTP response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : `HTTP ${status}`)
  }
}
