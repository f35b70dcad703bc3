import { randomBytes } from 'node:crypto'

/**
 * Headers for HTML pages. The policy matches what the app really loads: its own scripts, styles
 * and fonts, data: images (the favicon), and fetches to itself. Inline scripts run only when they
 * carry the page's nonce: a fresh random value per response that the router stamps on the
 * hydration scripts it emits and the root document on its theme boot script, so an injected
 * `<script>` (or an event-handler attribute) does not run. Everything else a script injection
 * would need (another origin, plugins, framing, a changed <base>, form posts elsewhere) is closed.
 *
 * Without a nonce (Vite's dev server, whose module preamble is an inline script of its own) inline
 * scripts stay allowed; the built server always sends one.
 */
export function contentSecurityPolicy(nonce: string | undefined): string {
  return [
    "default-src 'self'",
    nonce ? `script-src 'self' 'nonce-${nonce}'` : "script-src 'self' 'unsafe-inline'",
    // React and Radix position popovers and dialogs with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** A nonce for one HTML response: 128 random bits, base64 as CSP's nonce-source grammar allows. */
export function createCspNonce(): string {
  return randomBytes(16).toString('base64')
}

export function htmlSecurityHeaders(nonce: string | undefined): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(nonce),
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    // Server-rendered pages carry the signed-in user's name and email: never store them anywhere.
    'cache-control': 'no-store',
  }
}

export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

/**
 * Share-link pages and their shape requests: the token is in the page's URL, so no request from
 * the page names it to anyone (`no-referrer`), and search engines never list a shared session.
 */
export const SHARE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
}
