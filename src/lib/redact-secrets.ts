/**
 * Credentials that must never reach a log line, whatever a caller interpolated: API tokens
 * (`sct_…`, src/server/auth/api-token-secrets.ts) and the value of any `Bearer` credential. Used
 * by the server's logger (src/server/log.ts) and by agent-push's output.
 */
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\bsct_[A-Za-z0-9_-]+/g, 'sct_[redacted]'],
  // Credential-like values only (16+ token characters), so prose such as "bearer of news" stays.
  [/\b(bearer)\s+[A-Za-z0-9._~+/=-]{16,}/gi, '$1 [redacted]'],
]

/** `message` with every credential it contains replaced. */
export function redactSecrets(message: string): string {
  let redacted = message
  for (const [pattern, replacement] of SECRET_PATTERNS) redacted = redacted.replace(pattern, replacement)
  return redacted
}
