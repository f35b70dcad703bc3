/**
 * The address a request came from, for the sign-in rate limit. X-Forwarded-For is whatever the
 * client wrote unless a proxy we trust (TRUSTED_PROXIES) put it there, so it is read only when the
 * socket's peer is such a proxy — and then from the right, past every trusted hop, because each
 * proxy appends the address it saw and anything further left was written by the client.
 */
import { isIP } from 'node:net'

/** `::ffff:127.0.0.1` (an IPv4 peer on a dual-stack socket) is the same client as `127.0.0.1`. */
export function normalizeAddress(address: string) {
  const trimmed = address.trim().replace(/^\[(.*)\]$/, '$1')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)
  return (mapped ? mapped[1] : trimmed).toLowerCase()
}

export function clientAddress(
  peerAddress: string | undefined,
  forwardedFor: string | null,
  trustedProxies: readonly string[],
): string {
  const peer = peerAddress ? normalizeAddress(peerAddress) : 'unknown'
  const trusted = new Set(trustedProxies.map(normalizeAddress))
  if (!trusted.has(peer) || !forwardedFor) return peer
  const hops = forwardedFor
    .split(',')
    .map(normalizeAddress)
    .filter((hop) => isIP(hop) !== 0)
  for (let index = hops.length - 1; index >= 0; index--) {
    if (!trusted.has(hops[index])) return hops[index]
  }
  return hops[0] ?? peer
}
