/**
 * Which names this app is served as. A DNS-rebinding page (`rebind.evil.example` resolving to
 * 127.0.0.1) reaches the app with its own name in the Host header, so every request whose Host is
 * not one of ours is refused before any session work; the same list gives the origins the
 * same-origin check accepts, so neither ever trusts a name the request chose.
 */
import type { AppConfig } from '@config'

export interface HostPolicy {
  /** `host:port`, lower-case, IPv6 in brackets. */
  hosts: ReadonlySet<string>
  /** `scheme://host[:port]` exactly as browsers send it in the Origin header. */
  origins: ReadonlySet<string>
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]']
const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '[::]', '0'])

const DEFAULT_PORT: Record<string, number> = { 'http:': 80, 'https:': 443 }

/** `Host` header value → `host:port` (the scheme's default port when none is given). */
export function normalizeHost(value: string, defaultPort = 80): string | undefined {
  const trimmed = value.trim().toLowerCase()
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+?)\.?(?::(\d{1,5}))?$/.exec(trimmed)
  if (!match) return undefined
  return `${match[1]}:${match[2] ?? defaultPort}`
}

function originOf(scheme: 'http' | 'https', hostWithPort: string) {
  const port = Number(hostWithPort.slice(hostWithPort.lastIndexOf(':') + 1))
  const host = hostWithPort.slice(0, hostWithPort.lastIndexOf(':'))
  return DEFAULT_PORT[`${scheme}:`] === port ? `${scheme}://${host}` : `${scheme}://${hostWithPort}`
}

function bracketed(host: string) {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}

export function hostPolicyFrom(config: Pick<AppConfig, 'HOST' | 'PORT' | 'PUBLIC_URL' | 'ALLOWED_HOSTS'>): HostPolicy {
  const hosts = new Set<string>()
  const origins = new Set<string>()
  const served = [...LOOPBACK_NAMES]
  // A HOST that names one address (not "every interface") is also a name the app is served as.
  if (!WILDCARD_ADDRESSES.has(config.HOST)) served.push(bracketed(config.HOST.toLowerCase()))
  for (const name of served) {
    const host = normalizeHost(`${name}:${config.PORT}`)
    if (!host) continue
    hosts.add(host)
    origins.add(originOf('http', host))
  }
  if (config.PUBLIC_URL) {
    const url = new URL(config.PUBLIC_URL)
    const host = normalizeHost(url.host, DEFAULT_PORT[url.protocol])
    if (host) hosts.add(host)
    origins.add(url.origin)
  }
  for (const entry of config.ALLOWED_HOSTS) {
    // Without a port an entry means the web's default ports, for either scheme.
    const withPort = /:\d+$/.test(entry) ? [entry] : [`${entry}:80`, `${entry}:443`]
    for (const candidate of withPort) {
      const host = normalizeHost(candidate)
      if (!host) continue
      hosts.add(host)
      origins.add(originOf('http', host))
      origins.add(originOf('https', host))
    }
  }
  return { hosts, origins }
}

/** The Host header as the client sent it (HTTP/1.1 requires one; the URL's host otherwise). */
export function requestHost(request: Request) {
  const header = request.headers.get('host') ?? new URL(request.url).host
  const protocol = new URL(request.url).protocol
  return normalizeHost(header, DEFAULT_PORT[protocol] ?? 80)
}

export function isServedHost(request: Request, policy: HostPolicy) {
  const host = requestHost(request)
  return host !== undefined && policy.hosts.has(host)
}
