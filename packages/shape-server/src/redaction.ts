/** Query parameters that carry the shared secret (`api_secret` is Electric's deprecated name). */
const SECRET_PARAMETERS = new Set(['secret', 'api_secret'])

/**
 * A request target (`/v1/shape?…`) fit for a log line: the secret's value is replaced, however the
 * name was spelled or encoded, because URLSearchParams decodes names the same way the check does.
 */
export function redactSecrets(target: string | undefined): string {
  if (target === undefined) return '(no URL)'
  let url: URL
  try {
    url = new URL(target, 'http://shape-server')
  } catch {
    return '(unparseable URL)'
  }
  if (![...url.searchParams.keys()].some(isSecretParameter)) return `${url.pathname}${url.search}`
  const redacted = new URLSearchParams()
  for (const [name, value] of url.searchParams) redacted.append(name, isSecretParameter(name) ? '[redacted]' : value)
  return `${url.pathname}?${redacted.toString().replaceAll('%5Bredacted%5D', '[redacted]')}`
}

function isSecretParameter(name: string): boolean {
  return SECRET_PARAMETERS.has(name.toLowerCase())
}
