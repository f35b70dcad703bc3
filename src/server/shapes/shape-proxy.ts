/**
 * The authorizing shape proxy behind `/api/shape`. The same code talks to the embedded shape
 * server and to the real Electric; only the upstream URL and secret differ.
 */
import { ELECTRIC_PROTOCOL_QUERY_PARAMS as CLIENT_PROTOCOL_QUERY_PARAMS } from '@electric-sql/client'
import { z } from 'zod'
import type { Executor } from '~/db/client'
import { BodyTooLargeError, readTextWithin } from '~/server/http/body-limit'
import { createLogger, describeError } from '~/server/log'
import type { Principal } from '~/server/repositories/accounts-repository'
import { membershipSignature, sessionMembersRepository } from '~/server/repositories/session-members-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { SHAPE_NAMES } from '~/sync/catalog'
import type { AccessWatch } from './access-watch'
import { type CollapsedAnswer, LiveRequestCollapser, readWholeAnswer } from './live-request-collapser'
import { memberHoldKey, mustRefetchResponse } from './member-watch'
import { findShape, quotedColumns, type ShapeCatalogEntry } from './shape-catalog'

const log = createLogger('shape-proxy')

/** Chosen by the server alone, whatever a client library version might forward. */
const SHAPE_DEFINING_PARAMS = new Set([
  'table',
  'where',
  'params',
  'columns',
  'queryable_columns',
  'replica',
  'secret',
  'api_secret',
  'source_id',
])

/**
 * What the client sends as protocol state, taken from the client library itself so an upgrade
 * that adds a parameter cannot silently drop it; everything else in the URL is dropped. The shape
 * itself (table, where, params, columns) is never among them and is set below, server-side.
 */
export const ELECTRIC_PROTOCOL_QUERY_PARAMS: readonly string[] = CLIENT_PROTOCOL_QUERY_PARAMS.filter(
  (name) => !SHAPE_DEFINING_PARAMS.has(name),
)

const SELECTOR_PARAMS = ['shape', 'session'] as const
export const MAX_SUBSET_BODY_BYTES = 64 * 1024
const uuidSchema = z.string().uuid()

export interface ShapeProxyOptions {
  db: Executor
  principal: Principal
  electricUrl: string
  electricSecret?: string
  fetch?: typeof fetch
  /** Ends held `shared_sessions` requests when the user's memberships change (member-watch.ts). */
  memberWatch?: AccessWatch
  /** See ForwardOptions.idleTimeoutMs. */
  idleTimeoutMs?: number
  /** Shares identical held live requests; the process-wide one unless a test brings its own. */
  collapser?: LiveRequestCollapser
}

/** Never a session id: the member shape of a user with no shared sessions matches nothing. */
const NO_SESSION = '00000000-0000-0000-0000-000000000000'

export function jsonError(status: number, message: string, extraHeaders: Record<string, string> = {}) {
  return Response.json(
    { message },
    { status, headers: { 'cache-control': 'no-store', vary: 'Cookie', ...extraHeaders } },
  )
}

export function single(url: URL, name: string): { value?: string; repeated: boolean } {
  const values = url.searchParams.getAll(name)
  return { value: values[0], repeated: values.length > 1 }
}

export function buildUpstreamUrl(
  requestUrl: URL,
  definition: ShapeCatalogEntry,
  scopeValue: string,
  electricUrl: string,
  secret?: string,
) {
  return buildScopedUpstreamUrl(
    requestUrl,
    {
      table: definition.table,
      where: `"${definition.scopeColumn}" = $1`,
      params: [scopeValue],
      columns: quotedColumns(definition),
    },
    electricUrl,
    secret,
  )
}

/** A shape as the server defines it: every part chosen here, none by the client. */
export interface ServerShape {
  table: string
  /** Placeholders `$1…$n` bound to `params`, in Electric's optimised `col = $1` / `col IN (…)` forms. */
  where: string
  params: readonly string[]
  /** Quoted, comma-separated column list (also the columns a subset may filter or order by). */
  columns: string
}

export function buildScopedUpstreamUrl(requestUrl: URL, shape: ServerShape, electricUrl: string, secret?: string) {
  const upstream = new URL('/v1/shape', electricUrl)
  for (const name of ELECTRIC_PROTOCOL_QUERY_PARAMS) {
    const value = requestUrl.searchParams.get(name)
    if (value !== null) upstream.searchParams.set(name, value)
  }
  upstream.searchParams.set('table', shape.table)
  upstream.searchParams.set('where', shape.where)
  shape.params.forEach((value, index) => {
    upstream.searchParams.set(`params[${index + 1}]`, value)
  })
  upstream.searchParams.set('columns', shape.columns)
  // Subset where/order_by may only touch the synced columns, so a filter cannot probe hidden ones.
  upstream.searchParams.set('queryable_columns', shape.columns)
  if (secret) upstream.searchParams.set('secret', secret)
  return upstream
}

/**
 * Longest the sync service may stay silent on one request: no answer head, or no body bytes, for
 * this long means the connection is dead without having been closed (a half-open socket). Above
 * Electric's longest long poll (44 s) and its server-sent-events keep-alive (21 s), so a healthy
 * request never reaches it. `SHAPE_PROXY_IDLE_TIMEOUT_MS` sets it.
 */
export const UPSTREAM_IDLE_TIMEOUT_MS = 60_000

export class UpstreamSilentError extends Error {
  constructor(readonly idleMs: number) {
    super(`the sync service sent nothing for ${idleMs} ms`)
  }
}

/** Aborts its signal after `idleMs` without a `touch()`. */
function idleWatch(idleMs: number) {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(new UpstreamSilentError(idleMs)), idleMs)
    timer.unref?.()
  }
  arm()
  return { signal: controller.signal, touch: arm, stop: () => clearTimeout(timer) }
}

type IdleWatch = ReturnType<typeof idleWatch>

/**
 * The upstream body, except that a read failing because the browser went away (tab closed, long
 * poll aborted) ends the stream quietly instead of surfacing as a server error; a `cut` (a share
 * link revoked while its response streams) ends it too. A body that goes silent past the idle
 * watch is aborted upstream and errors towards the browser (whose client then retries), since a
 * cleanly ended but truncated body would be read as a whole answer.
 */
function bodyEndingQuietlyOnAbort(
  body: ReadableStream<Uint8Array> | null,
  signal: AbortSignal,
  cut: AbortSignal = new AbortController().signal,
  watch?: IdleWatch,
) {
  if (!body) {
    watch?.stop()
    return null
  }
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (cut.aborted) {
          watch?.stop()
          await reader.cancel().catch(() => {})
          controller.close()
          return
        }
        const { done, value } = await reader.read()
        if (done) {
          watch?.stop()
          controller.close()
        } else {
          watch?.touch()
          controller.enqueue(value)
        }
      } catch (error) {
        watch?.stop()
        if (watch?.signal.aborted) {
          log.warn(`${(watch.signal.reason as Error).message} while streaming a shape answer; the client will retry`)
          controller.error(watch.signal.reason)
        } else if (signal.aborted || cut.aborted) controller.close()
        else controller.error(error)
      }
    },
    cancel: (reason) => {
      watch?.stop()
      return reader.cancel(reason).catch(() => {})
    },
  })
}

/** Per-user data: `public` becomes `private`, and shared-cache directives, meaningless then, go. */
export function privateCacheControl(value: string) {
  return value
    .split(',')
    .map((directive) => directive.trim())
    .filter((directive) => directive && !/^(s-maxage|proxy-revalidate)\b/i.test(directive))
    .map((directive) => (directive.toLowerCase() === 'public' ? 'private' : directive))
    .join(', ')
}

/** The upstream headers as the browser gets them: identity-scoped, never publicly cacheable. */
function browserHeaders(upstreamHeaders: Headers, varyOn: string) {
  const headers = new Headers(upstreamHeaders)
  headers.delete('content-encoding')
  headers.delete('content-length')
  headers.delete('transfer-encoding')
  // The sync service's CORS answers are for its own clients; the browser only ever talks to us.
  for (const name of [...headers.keys()]) if (name.startsWith('access-control-')) headers.delete(name)
  headers.append('vary', varyOn)
  const cacheControl = headers.get('cache-control')
  if (cacheControl) headers.set('cache-control', privateCacheControl(cacheControl))
  return headers
}

/** Copies the upstream response for the browser: identity-scoped, never publicly cacheable. */
export function browserResponse(
  upstream: Response,
  signal: AbortSignal = new AbortController().signal,
  cut?: AbortSignal,
  varyOn = 'Cookie',
  watch?: IdleWatch,
) {
  return new Response(bodyEndingQuietlyOnAbort(upstream.body, signal, cut, watch), {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: browserHeaders(upstream.headers, varyOn),
  })
}

/**
 * One waiter's own copy of a collapsed answer: the Response constructor copies the shared headers
 * into a headers object of its own (so the app's cookies and security headers stay per caller);
 * the bytes are shared.
 */
function collapsedBrowserResponse(answer: CollapsedAnswer, browserHeadersOfAnswer: Headers) {
  return new Response(answer.body.byteLength > 0 ? answer.body : null, {
    status: answer.status,
    statusText: answer.statusText,
    headers: browserHeadersOfAnswer,
  })
}

/**
 * The browser's headers of a collapsed answer, worked out once per answer and `Vary` rather than
 * once per waiter (with a hundred waiters, the filtering showed in profiles).
 */
const browserHeadersOfAnswers = new WeakMap<CollapsedAnswer, Map<string, Headers>>()
function sharedBrowserHeaders(answer: CollapsedAnswer, varyOn: string) {
  let byVary = browserHeadersOfAnswers.get(answer)
  if (!byVary) {
    byVary = new Map()
    browserHeadersOfAnswers.set(answer, byVary)
  }
  let headers = byVary.get(varyOn)
  if (!headers) {
    headers = browserHeaders(answer.headers, varyOn)
    // The whole body is known: a length lets Node send head and body without chunked framing.
    headers.set('content-length', String(answer.body.byteLength))
    byVary.set(varyOn, headers)
  }
  return headers
}

/**
 * Held live requests of the whole process: identical ones (same upstream URL, hence the same
 * authorized shape, handle, offset and cursor) share one upstream long-poll.
 */
const sharedLiveRequests = new LiveRequestCollapser()

/**
 * A plain long-poll (`live=true`, not server-sent events) is answered in one piece once something
 * changes, so callers waiting on the same URL can share it. Snapshots, catch-up reads and subsets
 * answer at once and may be large: each goes upstream on its own.
 */
function isCollapsibleLiveRequest(request: Request, url: URL) {
  return (
    request.method === 'GET' &&
    url.searchParams.get('live') === 'true' &&
    url.searchParams.get('live_sse') !== 'true' &&
    url.searchParams.get('experimental_live_sse') !== 'true'
  )
}

/** A failure or a refused secret shared by many waiters is logged once, not once per waiter. */
const reported = new WeakSet<object>()
function reportOnce(subject: unknown, report: () => void) {
  if (typeof subject !== 'object' || subject === null) return report()
  if (reported.has(subject)) return
  reported.add(subject)
  report()
}

export async function proxyShapeRequest(request: Request, options: ShapeProxyOptions): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') return jsonError(405, 'Use GET or POST for shapes.')
  const url = new URL(request.url)
  for (const name of SELECTOR_PARAMS) {
    if (single(url, name).repeated) return jsonError(400, `The "${name}" parameter may appear only once.`)
  }
  for (const name of ELECTRIC_PROTOCOL_QUERY_PARAMS) {
    if (single(url, name).repeated) return jsonError(400, `The "${name}" parameter may appear only once.`)
  }
  const shapeName = url.searchParams.get('shape')
  // Own keys only: `__proto__`, `constructor` or `toString` are unknown shapes, not prototype members.
  const definition = findShape(shapeName)
  if (!definition) {
    return jsonError(400, `Unknown shape "${shapeName ?? ''}". Known shapes: ${SHAPE_NAMES.join(', ')}.`)
  }

  if (definition.scope === 'member') return proxyMemberShape(request, url, definition, options)

  let scopeValue = options.principal.account.id
  if (definition.scope === 'session') {
    const sessionId = url.searchParams.get('session')
    if (!sessionId || !uuidSchema.safeParse(sessionId).success) {
      return jsonError(400, `The "${definition.name}" shape needs a session=<uuid> parameter.`)
    }
    const session = await sessionsRepository.findAccessibleSession(
      options.db,
      { accountId: options.principal.account.id, userId: options.principal.user.id },
      sessionId,
    )
    if (!session) return jsonError(403, 'You do not have access to this session.')
    scopeValue = session.id
  }

  return forwardShape(request, url, {
    shape: {
      table: definition.table,
      where: `"${definition.scopeColumn}" = $1`,
      params: [scopeValue],
      columns: quotedColumns(definition),
    },
    electricUrl: options.electricUrl,
    electricSecret: options.electricSecret,
    fetch: options.fetch,
    idleTimeoutMs: options.idleTimeoutMs,
    collapser: options.collapser,
  })
}

/**
 * Sessions shared with the user: the server reads their ids from `session_members` on every
 * request and binds them as `"id" IN ($1, …)` (no subquery, so any Electric serves it). A change
 * of memberships is a new definition, hence a new handle: a client holding the old one gets 409
 * must-refetch, and a held live request is cut by the member watch.
 */
async function proxyMemberShape(request: Request, url: URL, definition: ShapeCatalogEntry, options: ShapeProxyOptions) {
  const principal = { userId: options.principal.user.id, accountId: options.principal.account.id }
  const ids = await sessionMembersRepository.sharedSessionIds(options.db, principal)
  const params = ids.length > 0 ? ids : [NO_SESSION]
  const live = url.searchParams.get('live') === 'true'
  const hold = live ? options.memberWatch?.hold(memberHoldKey(principal.userId, membershipSignature(ids))) : undefined
  try {
    return await forwardShape(request, url, {
      shape: {
        table: definition.table,
        where: `"id" IN (${params.map((_, index) => `$${index + 1}`).join(', ')})`,
        params,
        columns: quotedColumns(definition),
      },
      electricUrl: options.electricUrl,
      electricSecret: options.electricSecret,
      fetch: options.fetch,
      idleTimeoutMs: options.idleTimeoutMs,
      collapser: options.collapser,
      cut: hold?.signal,
      onCut: mustRefetchResponse,
      // The URL stays the same when the memberships change: a cached answer would bring back
      // the old set after a reload, so every request asks the proxy again.
      cacheControl: 'no-store',
    })
  } finally {
    hold?.release()
  }
}

export interface ForwardOptions {
  shape: ServerShape
  electricUrl: string
  electricSecret?: string
  fetch?: typeof fetch
  /**
   * Ends the request early (a share link revoked, a membership changed): a pending upstream
   * request is aborted and `onCut` answers instead; a streaming body is closed.
   */
  cut?: AbortSignal
  onCut?: () => Response
  /** `Vary` of the answer: Cookie for signed-in readers; share readers choose by URL. */
  varyOn?: string
  /** Extra headers of every answer (e.g. `cache-control: no-store` for share readers). */
  cacheControl?: string
  /** Silence from the sync service that ends a request; UPSTREAM_IDLE_TIMEOUT_MS by default. */
  idleTimeoutMs?: number
  /** Shares identical held live requests (see `isCollapsibleLiveRequest`); process-wide by default. */
  collapser?: LiveRequestCollapser
}

/**
 * Sends a request to the sync service for a shape the server defined: only protocol parameters
 * come from the client, a subset body is size-limited and must be a JSON object.
 */
export async function forwardShape(request: Request, url: URL, options: ForwardOptions): Promise<Response> {
  let body: string | undefined
  if (request.method === 'POST') {
    try {
      body = await readTextWithin(request, MAX_SUBSET_BODY_BYTES)
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return jsonError(413, 'Subset request body is too large (64 KiB at most).')
      // The client gave up on the subset (a view moved on, a tab closed): nobody reads an answer.
      if (request.signal.aborted) return new Response(null, { status: 499 })
      throw error
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body || '{}')
    } catch {
      return jsonError(400, 'The subset request body must be a JSON object.')
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return jsonError(400, 'The subset request body must be a JSON object.')
    }
  }

  const upstreamUrl = buildScopedUpstreamUrl(url, options.shape, options.electricUrl, options.electricSecret)
  const doFetch = options.fetch ?? fetch
  const cut = options.cut
  const idleTimeoutMs = options.idleTimeoutMs ?? UPSTREAM_IDLE_TIMEOUT_MS
  if (isCollapsibleLiveRequest(request, url)) {
    return forwardCollapsed(upstreamUrl, doFetch, cut ? AbortSignal.any([request.signal, cut]) : request.signal, {
      ...options,
      idleTimeoutMs,
    })
  }
  const watch = idleWatch(idleTimeoutMs)
  const signal = AbortSignal.any(cut ? [request.signal, cut, watch.signal] : [request.signal, watch.signal])
  let upstream: Response
  try {
    upstream = await doFetch(upstreamUrl, {
      method: request.method,
      body,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      signal,
    })
  } catch (error) {
    watch.stop()
    if (cut?.aborted && options.onCut) return options.onCut()
    if (request.signal.aborted) return new Response(null, { status: 499 })
    if (watch.signal.aborted) {
      log.warn(`${(watch.signal.reason as Error).message} before answering a shape request; the client will retry`)
      return silentUpstreamResponse()
    }
    log.error(`sync service unreachable: ${describeError(error)}`)
    return unreachableResponse()
  }
  if (upstream.status === 401) logRefusedSecret()
  watch.touch()
  const response = browserResponse(upstream, request.signal, cut, options.varyOn, watch)
  if (options.cacheControl) response.headers.set('cache-control', options.cacheControl)
  return response
}

function unreachableResponse() {
  return jsonError(503, 'The sync service is not reachable right now; retrying shortly.', { 'retry-after': '1' })
}

function silentUpstreamResponse() {
  return jsonError(503, 'The sync service did not answer in time; retrying shortly.', { 'retry-after': '1' })
}

function logRefusedSecret() {
  log.error('the sync service refused our secret (401): check ELECTRIC_SECRET on both sides.')
}

/** The shared upstream request of collapsed waiters, read whole, ended by silence past the idle timeout. */
async function fetchWholeAnswer(upstreamUrl: URL, doFetch: typeof fetch, signal: AbortSignal, idleTimeoutMs: number) {
  const watch = idleWatch(idleTimeoutMs)
  try {
    const response = await doFetch(upstreamUrl, { signal: AbortSignal.any([signal, watch.signal]) })
    watch.touch()
    return await readWholeAnswer(response)
  } catch (error) {
    throw watch.signal.aborted ? watch.signal.reason : error
  } finally {
    watch.stop()
  }
}

/**
 * A held live request that shares its upstream long-poll with identical ones (already authorized
 * each on its own). This caller leaving (closed tab, cut access) ends only its own wait.
 */
async function forwardCollapsed(
  upstreamUrl: URL,
  doFetch: typeof fetch,
  signal: AbortSignal,
  options: ForwardOptions & { idleTimeoutMs: number },
): Promise<Response> {
  const collapser = options.collapser ?? sharedLiveRequests
  const outcome = await collapser.join(
    upstreamUrl.href,
    (upstreamSignal) => fetchWholeAnswer(upstreamUrl, doFetch, upstreamSignal, options.idleTimeoutMs),
    signal,
  )
  if (outcome.kind === 'left') {
    if (options.cut?.aborted && options.onCut) return options.onCut()
    return new Response(null, { status: 499 })
  }
  if (outcome.kind === 'failed') {
    const { error } = outcome
    if (error instanceof UpstreamSilentError) {
      reportOnce(error, () => log.warn(`${error.message} before answering a shape request; the client will retry`))
      return silentUpstreamResponse()
    }
    reportOnce(error, () => log.error(`sync service unreachable: ${describeError(error)}`))
    return unreachableResponse()
  }
  if (outcome.answer.status === 401) reportOnce(outcome.answer, logRefusedSecret)
  const response = collapsedBrowserResponse(
    outcome.answer,
    sharedBrowserHeaders(outcome.answer, options.varyOn ?? 'Cookie'),
  )
  if (options.cacheControl) response.headers.set('cache-control', options.cacheControl)
  return response
}
