/**
 * The global request middleware's work (wired in src/start.ts), in this order: refuse a Host the
 * app is not served as (DNS rebinding), an oversized body and a cross-site write — all before any
 * session work — then resolve the caller, issue or renew the session cookie, and in password mode
 * send anonymous page views to the sign-in page.
 */

import { type AppConfig, getConfig } from '@config'
import { appendResponseHeader, setResponseHeaders } from '@tanstack/react-start/server'
import { getDatabaseClient } from '~/server/database'
import { bodyLimitFor, checkDeclaredBodySize } from '~/server/http/body-limit'
import {
  COMMON_SECURITY_HEADERS,
  createCspNonce,
  htmlSecurityHeaders,
  SHARE_PAGE_HEADERS,
} from '~/server/http/security-headers'
import { createLogger, describeError } from '~/server/log'
import { bearerTokenOf, tokenRefusal, tokenRouteScope } from './bearer-auth'
import { type HostPolicy, hostPolicyFrom, isServedHost } from './host-policy'
import { checkSameOrigin } from './origin'
import { authenticate, isPageNavigation } from './principal'
import type { RequestAuthContext } from './request-context'

/**
 * A share link's page and shapes: visitors have no account, and the token (not a cookie) is the
 * whole authorization, so no session is looked at or issued there.
 */
const SHARE_PREFIXES = ['/share/', '/api/share/']
/** Pages that must work without a session in AUTH_MODE=password. */
const PUBLIC_PAGES = ['/sign-in', '/sign-up']
const PUBLIC_PREFIXES = ['/api/health', '/assets/', '/favicon', ...SHARE_PREFIXES]
/** Orchestrators probe health by an address of their own choosing; it shows nothing but status. */
const ANY_HOST_PATHS = new Set(['/api/health'])

let cachedPolicy: { config: AppConfig; policy: HostPolicy } | undefined
function hostPolicy(config: AppConfig) {
  if (cachedPolicy?.config !== config) cachedPolicy = { config, policy: hostPolicyFrom(config) }
  return cachedPolicy.policy
}

function refusal(status: number, message: string) {
  return Response.json({ message }, { status, headers: { 'cache-control': 'no-store', ...COMMON_SECURITY_HEADERS } })
}

/** Requests for a page (not an API route, server function or asset) answer with HTML. */
function isHtmlRequest(request: Request, path: string) {
  return (
    request.method === 'GET' &&
    !path.startsWith('/api/') &&
    !path.startsWith('/_serverfn') &&
    !path.startsWith('/assets/')
  )
}

const log = createLogger('auth')

export async function authenticateRequest(request: Request): Promise<RequestAuthContext | Response> {
  const config = getConfig()
  const url = new URL(request.url)
  // The router matches paths in any letter case (`/API/SHARE/SHAPE` reaches the share shape
  // route), so every rule here is judged on the lower-cased path too, or a differently cased
  // spelling would slip past the share headers, body limits and public-path rules.
  const path = url.pathname.toLowerCase()
  if (!ANY_HOST_PATHS.has(path) && !isServedHost(request, hostPolicy(config))) {
    return refusal(
      421,
      `This server does not answer to the host "${request.headers.get('host') ?? ''}". ` +
        'Open it at the address it is served as (set PUBLIC_URL or ALLOWED_HOSTS to add one).',
    )
  }
  const body = checkDeclaredBodySize(request, bodyLimitFor(path, config))
  if (!body.ok) return refusal(body.status, body.message)
  // A request with an API token is judged by its route alone (src/server/auth/bearer-auth.ts): no
  // cookie is read for it, so the same-origin check, which protects cookies, has nothing to protect.
  if (bearerTokenOf(request) !== undefined) {
    if (!tokenRouteScope(path, request.method.toUpperCase())) {
      return tokenRefusal(
        'not-accepted',
        'API tokens are accepted only by the upload, rules, incremental ingest, raw download and export APIs. ' +
          'Everything else needs a signed-in browser session; send this request without the Authorization header.',
      )
    }
    setResponseHeaders(new Headers(COMMON_SECURITY_HEADERS))
    return { principal: undefined, authTokenHash: undefined }
  }
  const origin = checkSameOrigin(request, hostPolicy(config))
  if (!origin.ok) return refusal(403, `Refused: ${origin.reason}.`)

  // Vite's dev server runs an inline module preamble of its own, so only built servers use a nonce.
  const cspNonce = isHtmlRequest(request, path) && !import.meta.env.DEV ? createCspNonce() : undefined
  const headers = isHtmlRequest(request, path) ? htmlSecurityHeaders(cspNonce) : COMMON_SECURITY_HEADERS
  const isShare = SHARE_PREFIXES.some((prefix) => path.startsWith(prefix))
  setResponseHeaders(new Headers(isShare ? { ...headers, ...SHARE_PAGE_HEADERS } : headers))
  if (PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix)))
    return { principal: undefined, authTokenHash: undefined, cspNonce }

  const { AUTH_MODE } = config
  let auth: Awaited<ReturnType<typeof authenticate>>
  try {
    auth = await authenticate(getDatabaseClient().db, request, { authMode: AUTH_MODE })
  } catch (error) {
    // Pages still render (with their own database error state); data requests get a clear 503.
    log.error(`could not check the session: ${describeError(error)}`)
    if (isPageNavigation(request)) return { principal: undefined, authTokenHash: undefined, cspNonce }
    return Response.json(
      { message: 'The database is not reachable, so your session could not be checked. Try again shortly.' },
      { status: 503, headers: { 'cache-control': 'no-store', 'retry-after': '2' } },
    )
  }
  for (const cookie of auth.setCookies) appendResponseHeader('set-cookie', cookie)

  if (AUTH_MODE === 'password' && !auth.principal && isPageNavigation(request) && !PUBLIC_PAGES.includes(path)) {
    const target = `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`
    return new Response(null, { status: 303, headers: { location: target, 'cache-control': 'no-store' } })
  }
  return { principal: auth.principal, authTokenHash: auth.tokenHash, cspNonce }
}
