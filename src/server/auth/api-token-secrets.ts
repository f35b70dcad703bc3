/**
 * The API token format: `sct_` followed by 43 URL-safe characters (256 random bits). The prefix
 * makes a leaked token easy to recognise (log redaction, secret scanners); only its sha256 is
 * stored, and the first characters are kept as a non-secret label.
 */
import { createHash, randomBytes } from 'node:crypto'

export const API_TOKEN_PREFIX = 'sct_'
/** Characters shown in Settings to tell tokens apart (`sct_` plus 8 of the secret: 48 of 256 bits). */
const DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 8
const TOKEN_PATTERN = /^sct_[A-Za-z0-9_-]{43}$/

export function generateApiToken() {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
  return { token, prefix: token.slice(0, DISPLAY_LENGTH), tokenHash: hashApiToken(token) }
}

export function hashApiToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

export function isWellFormedApiToken(token: string) {
  return TOKEN_PATTERN.test(token)
}
