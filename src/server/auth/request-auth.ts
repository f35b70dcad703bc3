/**
 * The global request middleware's work (wired in src/start.ts): refuse cross-site writes, resolve
 * the caller, issue or renew the session cookie, and in password mode send anonymous page views
 * to the sign-in page.
 */
import { appendResponseHeader } from '@tanstack/react-start/server'
import { getConfig } from '../../../app.config'
import { getDatabaseClient } from '../db'
import { checkSameOrigin } from './origin'
import { authenticate, isPageNavigation } from './principal'
import type { RequestAuthContext } from './request-context'

/** Pages that must work without a session in AUTH_MODE=password. */
const PUBLIC_PAGES = ['/sign-in', '/sign-up']
const PUBLIC_PREFIXES = ['/api/health', '/assets/', '/favicon']

export async function authenticateRequest(request: Request): Promise<RequestAuthContext | Response> {
  const origin = checkSameOrigin(request)
  if (!origin.ok) {
    return Response.json(
      { message: `Refused: ${origin.reason}.` },
      { status: 403, headers: { 'cache-control': 'no-store' } },
    )
  }
  const path = new URL(request.url).pathname
  if (PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix)))
    return { principal: undefined, authTokenHash: undefined }

  const { AUTH_MODE } = getConfig()
  let auth: Awaited<ReturnType<typeof authenticate>>
  try {
    auth = await authenticate(getDatabaseClient().db, request, { authMode: AUTH_MODE })
  } catch (error) {
    // Pages still render (with their own database error state); data requests get a clear 503.
    console.error(`[auth] could not check the session: ${(error as Error).message}`)
    if (isPageNavigation(request)) return { principal: undefined, authTokenHash: undefined }
    return Response.json(
      { message: 'The database is not reachable, so your session could not be checked. Try again shortly.' },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '2' } },
    )
  }
  for (const cookie of auth.setCookies) appendResponseHeader('set-cookie', cookie)

  if (AUTH_MODE === 'password' && !auth.principal && isPageNavigation(request) && !PUBLIC_PAGES.includes(path)) {
    const target = `/sign-in?next=${encodeURIComponent(path + new URL(request.url).search)}`
    return new Response(null, { status: 303, headers: { location: target, 'cache-control': 'no-store' } })
  }
  return { principal: auth.principal, authTokenHash: auth.tokenHash }
}
