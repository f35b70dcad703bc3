import { SESSION_TTL_MS } from '~/server/repositories/auth-repository'

export const SESSION_COOKIE = 'sc_session'

/** Secure whenever the browser reached us over https (directly or through a TLS-terminating proxy). */
export function isHttpsRequest(request: Request) {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
  return forwarded ? forwarded === 'https' : new URL(request.url).protocol === 'https:'
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie')
  if (!header) return undefined
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index < 0) continue
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

export function sessionCookie(request: Request, token: string, maxAgeMs = SESSION_TTL_MS) {
  const attributes = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
  ]
  if (isHttpsRequest(request)) attributes.push('Secure')
  return attributes.join('; ')
}

export function clearedSessionCookie(request: Request) {
  return sessionCookie(request, '', 0)
}
