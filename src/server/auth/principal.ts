/**
 * Who is calling: resolves the session cookie to a principal, and in AUTH_MODE=local signs page
 * navigations in as the local owner. Used by the request middleware, server functions and
 * server routes alike.
 */
import type { Executor } from '~/db/client'
import { ensureLocalOwner, type Principal } from '~/server/repositories/accounts-repository'
import { authRepository } from '~/server/repositories/auth-repository'
import { readCookie, SESSION_COOKIE, sessionCookie } from './cookies'
import { sessionCache } from './session-cache'
import { generateSessionToken, hashSessionToken, isWellFormedToken } from './tokens'

/**
 * Local mode signs in every cookieless page load, and clients without a cookie jar (curl, health
 * probes that ask for HTML) would otherwise leave a session row behind each time. Only this many
 * of the owner's sessions are kept; issuing another drops the least recently used.
 */
export const LOCAL_OWNER_SESSIONS_KEPT = 25

export interface Authentication {
  principal: Principal | undefined
  /** Set-Cookie values the response must carry (a new or renewed session). */
  setCookies: string[]
  tokenHash?: string
}

/** An HTML page navigation (not fetch/XHR/RPC): only these may be signed in implicitly. */
export function isPageNavigation(request: Request) {
  if (request.method !== 'GET') return false
  const dest = request.headers.get('sec-fetch-dest')
  if (dest) return dest === 'document'
  const mode = request.headers.get('sec-fetch-mode')
  if (mode) return mode === 'navigate'
  // Lower-cased as in request-auth.ts: the router serves `/API/…` as `/api/…`.
  const path = new URL(request.url).pathname.toLowerCase()
  return (
    (request.headers.get('accept') ?? '').includes('text/html') &&
    !path.startsWith('/api/') &&
    !path.startsWith('/_serverfn')
  )
}

export async function authenticate(
  db: Executor,
  request: Request,
  options: { authMode: 'local' | 'password'; now?: Date },
): Promise<Authentication> {
  const token = readCookie(request, SESSION_COOKIE)
  if (token && isWellFormedToken(token)) {
    const tokenHash = hashSessionToken(token)
    const now = options.now ?? new Date()
    const cached = sessionCache.get(db, tokenHash, now.getTime())
    if (cached) return { principal: cached, tokenHash, setCookies: [] }
    const resolved = await sessionCache.shareLookup(db, tokenHash, () =>
      authRepository.resolveSession(db, tokenHash, now),
    )
    if (resolved) {
      sessionCache.set(db, tokenHash, resolved.principal, now.getTime(), resolved.expiresAt.getTime())
      return {
        principal: resolved.principal,
        tokenHash,
        setCookies: resolved.renewed ? [sessionCookie(request, token)] : [],
      }
    }
  }
  if (options.authMode === 'local' && isPageNavigation(request)) {
    const owner = await ensureLocalOwner(db)
    const fresh = generateSessionToken()
    const tokenHash = hashSessionToken(fresh)
    await authRepository.createSession(db, {
      tokenHash,
      userId: owner.user.id,
      userAgent: request.headers.get('user-agent'),
      now: options.now,
    })
    await authRepository.keepNewestSessions(db, owner.user.id, LOCAL_OWNER_SESSIONS_KEPT)
    return { principal: owner, tokenHash, setCookies: [sessionCookie(request, fresh)] }
  }
  return { principal: undefined, setCookies: [] }
}

/** Issues a session for a user who just proved who they are (password sign-in/sign-up). */
export async function startSession(db: Executor, request: Request, userId: string) {
  const token = generateSessionToken()
  const tokenHash = hashSessionToken(token)
  await authRepository.createSession(db, { tokenHash, userId, userAgent: request.headers.get('user-agent') })
  return sessionCookie(request, token)
}
