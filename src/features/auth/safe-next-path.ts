/**
 * Where to go after signing in: the `next` query parameter, but only as a path on this site.
 * Anything that could leave the origin (`//evil.example`, `https://…`, `/\evil.example`, tabs and
 * newlines that browsers strip) falls back to the home page, and so do the auth pages themselves.
 */
const PLACEHOLDER_ORIGIN = 'http://session-coach.invalid'
const AUTH_PAGES = new Set(['/sign-in', '/sign-up'])

export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || !next.startsWith('/')) return fallback
  let url: URL
  try {
    url = new URL(next, PLACEHOLDER_ORIGIN)
  } catch {
    return fallback
  }
  if (url.origin !== PLACEHOLDER_ORIGIN || AUTH_PAGES.has(url.pathname)) return fallback
  return `${url.pathname}${url.search}${url.hash}`
}
