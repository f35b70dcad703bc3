/**
 * `Authorization: Bearer <API token>` for programs. Only the routes in TOKEN_ROUTES accept it; the
 * request middleware answers a token anywhere else with 401, and never resolves the session cookie
 * of a request that carries a token, so a token request can't gain the cookie's powers (nor a
 * cookie the token's). Token requests are not cookie requests: the same-origin check (CSRF) does
 * not apply to them, because a browser never adds this header on its own.
 */
import type { Executor } from '~/db/client'
import type { ApiTokenScope } from '~/domain/api-tokens/api-token-scopes'
import type { Principal } from '~/server/repositories/accounts-repository'
import { apiTokensRepository } from '~/server/repositories/api-tokens-repository'
import { hashApiToken, isWellFormedApiToken } from './api-token-secrets'

/** Routes that take a token, and the scope each needs (docs/operations.md lists them). */
const TOKEN_ROUTES: ReadonlyArray<{ pattern: RegExp; method: string; scope: ApiTokenScope }> = [
  { pattern: /^\/api\/uploads$/, method: 'POST', scope: 'ingest' },
  { pattern: /^\/api\/sessions\/[^/]+\/rules$/, method: 'POST', scope: 'ingest' },
  { pattern: /^\/api\/ingest\/(chunks|offsets)$/, method: '*', scope: 'ingest' },
  { pattern: /^\/api\/sessions\/[^/]+\/raw$/, method: 'GET', scope: 'read' },
  { pattern: /^\/api\/sessions\/[^/]+\/export$/, method: 'GET', scope: 'read' },
]

export type TokenFailureReason = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'scope' | 'not-accepted'

/** The bearer token of a request: undefined without a Bearer Authorization header; '' when it is malformed. */
export function bearerTokenOf(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  if (!header) return undefined
  const match = /^\s*bearer(?:\s+(.*))?$/i.exec(header)
  if (!match) return undefined
  const token = (match[1] ?? '').trim()
  return isWellFormedApiToken(token) ? token : ''
}

export function tokenRouteScope(path: string, method: string): ApiTokenScope | undefined {
  const route = TOKEN_ROUTES.find(
    (candidate) => candidate.pattern.test(path) && (candidate.method === '*' || candidate.method === method),
  )
  return route?.scope
}

export function tokenRefusal(reason: TokenFailureReason, message: string) {
  const status = reason === 'scope' ? 403 : 401
  const headers: Record<string, string> = { 'cache-control': 'no-store' }
  if (status === 401) headers['www-authenticate'] = `Bearer error="invalid_token"`
  if (status === 403) headers['www-authenticate'] = `Bearer error="insufficient_scope"`
  return Response.json({ message, reason }, { status, headers })
}

const REFUSALS: Record<Exclude<TokenFailureReason, 'scope' | 'not-accepted'>, string> = {
  malformed:
    'The Authorization header is not "Bearer sct_…" with a whole API token. Copy the token again from Settings → API tokens.',
  unknown: 'This API token is not known to this server (it was deleted, or it belongs to another server).',
  revoked: 'This API token was revoked. Create a new one in Settings → API tokens.',
  expired: 'This API token has expired. Create a new one in Settings → API tokens.',
}

export type BearerResult =
  | { ok: true; principal: Principal; tokenId: string }
  | { ok: false; reason: TokenFailureReason; response: Response }

function refused(reason: TokenFailureReason, message: string): BearerResult {
  return { ok: false, reason, response: tokenRefusal(reason, message) }
}

/** Resolves a request's bearer token to its owner, if it is valid and has `scope`. */
export async function authenticateBearer(
  db: Executor,
  request: Request,
  scope: ApiTokenScope,
  now = new Date(),
): Promise<BearerResult> {
  const token = bearerTokenOf(request)
  if (!token) return refused('malformed', REFUSALS.malformed)
  const found = await apiTokensRepository.findByHash(db, hashApiToken(token))
  if (!found) return refused('unknown', REFUSALS.unknown)
  if (found.token.revokedAt) return refused('revoked', REFUSALS.revoked)
  if (found.token.expiresAt && found.token.expiresAt.getTime() <= now.getTime())
    return refused('expired', REFUSALS.expired)
  if (!found.token.scopes.includes(scope)) {
    return refused(
      'scope',
      `This API token may ${found.token.scopes.join(' and ')}, but this request needs the "${scope}" scope. ` +
        'Create a token with it in Settings → API tokens.',
    )
  }
  await apiTokensRepository.noteUse(db, found.token.id, now)
  return { ok: true, principal: { user: found.user, account: found.account }, tokenId: found.token.id }
}
