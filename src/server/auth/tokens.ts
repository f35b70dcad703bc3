import { createHash, randomBytes } from 'node:crypto'

/** 256 random bits, URL-safe: the value of the session cookie. */
export function generateSessionToken() {
  return randomBytes(32).toString('base64url')
}

/** Only this hash is stored (auth_sessions.id), so a database leak does not leak live sessions. */
export function hashSessionToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

export function isWellFormedToken(token: string) {
  return /^[A-Za-z0-9_-]{43}$/.test(token)
}
