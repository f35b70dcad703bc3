/**
 * Headers for HTML pages. The policy matches what the app really loads: its own scripts, styles
 * and fonts, data: images (the favicon), and fetches to itself. Inline scripts stay allowed because
 * the theme boot script and the router's hydration data are inline (TanStack Start emits them
 * without a nonce hook in this version); everything else a script injection would need (another
 * origin, plugins, framing, a changed <base>, form posts elsewhere) is closed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
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

export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // Server-rendered pages carry the signed-in user's name and email: never store them anywhere.
  'cache-control': 'no-store',
}

/** Headers every response of the app carries, whatever its type. */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}
