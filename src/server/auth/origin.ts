/**
 * Same-origin check for state-changing requests (CSRF). Browsers send Sec-Fetch-Site and/or Origin
 * on every POST; either one naming another site is refused. Requests with neither come from
 * non-browser clients, which cannot ride on a victim's cookie, and are let through.
 *
 * The accepted origins come from the configuration (src/server/auth/host-policy.ts), never from the
 * request's Host or X-Forwarded-Host, which whoever sends the request chooses.
 */
import type { HostPolicy } from './host-policy'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isStateChanging(request: Request) {
  return !SAFE_METHODS.has(request.method.toUpperCase())
}

export type OriginVerdict = { ok: true } | { ok: false; reason: string }

export function checkSameOrigin(request: Request, policy: HostPolicy): OriginVerdict {
  if (!isStateChanging(request)) return { ok: true }
  const site = request.headers.get('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') {
    return { ok: false, reason: `cross-site request refused (Sec-Fetch-Site: ${site})` }
  }
  const origin = request.headers.get('origin')
  if (origin && origin !== 'null' && !policy.origins.has(origin.toLowerCase())) {
    return { ok: false, reason: `cross-origin request refused (Origin: ${origin})` }
  }
  if (origin === 'null') return { ok: false, reason: 'request from an opaque origin refused' }
  return { ok: true }
}
