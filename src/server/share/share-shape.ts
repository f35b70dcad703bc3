/**
 * `/api/share/shape`: shapes for visitors of a share link. The token (`share=`) is checked against
 * Postgres on every request; the server alone defines the shape — the catalog table narrowed to
 * the link's one session (`"id" = $1` or `"session_id" = $1`, the id bound as a parameter), the
 * columns visitors may see — and the client only chooses which share shape and Electric's protocol
 * state. Live requests are held under the link's id in an `AccessWatch`, so revoking or expiring
 * the link ends them within about a second, on every app instance.
 */
import type { Database, Executor } from '~/db/client'
import { downloadRawLog } from '~/server/ingest/raw-download'
import { type ShareLinkEnded, shareLinksRepository } from '~/server/repositories/share-links-repository'
import { AccessWatch } from '~/server/shapes/access-watch'
import { findShape } from '~/server/shapes/shape-catalog'
import { ELECTRIC_PROTOCOL_QUERY_PARAMS, forwardShape, jsonError, single } from '~/server/shapes/shape-proxy'
import { isShareShapeName, SHARE_SHAPE_NAMES, SHARE_SHAPES, SHARE_TOKEN_PARAM } from '~/sync/share-catalog'

/** How often held share requests re-check their link. */
export const SHARE_WATCH_INTERVAL_MS = 1_000

export const SHARE_ENDED_MESSAGES: Record<ShareLinkEnded, string> = {
  unknown: 'This share link does not exist. Ask the person who sent it for a new one.',
  revoked: 'This share link was revoked by its owner. Ask them for a new one if you still need it.',
  expired: 'This share link has expired. Ask its owner for a new one if you still need it.',
}

/** A visitor's shape request refused because the link opens nothing (any more). */
export function endedLinkResponse(state: ShareLinkEnded) {
  return Response.json(
    { message: SHARE_ENDED_MESSAGES[state], state },
    { status: state === 'unknown' ? 404 : 410, headers: { 'cache-control': 'no-store' } },
  )
}

export function createShareLinkWatch(db: Executor, intervalMs = SHARE_WATCH_INTERVAL_MS) {
  return new AccessWatch({ intervalMs, findEnded: (ids) => shareLinksRepository.endedLinks(db, ids) })
}

export interface ShareShapeOptions {
  db: Executor
  watch: AccessWatch
  electricUrl: string
  electricSecret?: string
  fetch?: typeof fetch
  /** See ForwardOptions.idleTimeoutMs. */
  idleTimeoutMs?: number
}

const INCLUDE_OPTION = { uploads: 'includeUploads', rules: 'includeRules', coach: 'includeCoach' } as const

export async function serveShareShape(request: Request, options: ShareShapeOptions): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'POST') return jsonError(405, 'Use GET or POST for shapes.')
  const url = new URL(request.url)
  for (const name of ['shape', SHARE_TOKEN_PARAM, ...ELECTRIC_PROTOCOL_QUERY_PARAMS]) {
    if (single(url, name).repeated) return jsonError(400, `The "${name}" parameter may appear only once.`)
  }
  const resolved = await shareLinksRepository.resolveToken(options.db, url.searchParams.get(SHARE_TOKEN_PARAM) ?? '')
  if (resolved.state !== 'valid') return endedLinkResponse(resolved.state)
  const { link } = resolved

  const shapeName = url.searchParams.get('shape')
  if (!isShareShapeName(shapeName)) {
    return jsonError(400, `Unknown share shape "${shapeName ?? ''}". Known: ${SHARE_SHAPE_NAMES.join(', ')}.`)
  }
  const entry = SHARE_SHAPES[shapeName]
  if (entry.include && !link[INCLUDE_OPTION[entry.include]]) {
    return jsonError(403, `This share link does not include the session's ${entry.include}.`)
  }
  const catalog = findShape(entry.catalogShape)
  if (!catalog) throw new Error(`share shape ${shapeName} names no catalog shape`)
  const hidden: readonly string[] = entry.hiddenColumns
  const columns = catalog.columns
    .filter((column) => !hidden.includes(column))
    .map((column) => `"${column}"`)
    .join(',')

  const hold = url.searchParams.get('live') === 'true' ? options.watch.hold(link.id) : undefined
  try {
    return await forwardShape(request, url, {
      shape: { table: catalog.table, where: `"${entry.scopeColumn}" = $1`, params: [link.sessionId], columns },
      electricUrl: options.electricUrl,
      electricSecret: options.electricSecret,
      fetch: options.fetch,
      idleTimeoutMs: options.idleTimeoutMs,
      cut: hold?.signal,
      onCut: () => endedLinkResponse(hold?.signal.reason as ShareLinkEnded),
      cacheControl: 'no-store',
    })
  } finally {
    // A long poll's answer is complete once headers arrive; a server-sent event stream stays held
    // (its body is closed by a cut) until the visitor goes away.
    if (url.searchParams.get('live_sse') !== 'true') hold?.release()
    else if (hold) request.signal.addEventListener('abort', () => hold.release(), { once: true })
  }
}

/**
 * `GET /api/share/raw?share=<token>`: the shared session's raw log, only when the owner included
 * uploads on the link (raw logs can hold secrets, so they are off by default).
 */
export async function serveShareRaw(request: Request, db: Database): Promise<Response> {
  const resolved = await shareLinksRepository.resolveToken(
    db,
    new URL(request.url).searchParams.get(SHARE_TOKEN_PARAM) ?? '',
  )
  if (resolved.state !== 'valid') return endedLinkResponse(resolved.state)
  if (!resolved.link.includeUploads) {
    return Response.json(
      { message: 'This share link does not include the raw log.' },
      { status: 403, headers: { 'cache-control': 'no-store' } },
    )
  }
  return downloadRawLog(db, resolved.link.accountId, resolved.link.sessionId)
}
