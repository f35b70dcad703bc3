/**
 * A TCP relay between the app and the shape server that can lose its connections the way a
 * network does: silently. `blackholeOpen()` stops forwarding on every open connection in both
 * directions without closing it (no FIN, no RST — as when a middlebox forgets a flow or a peer
 * vanishes), while new connections pass again. Only timeouts can tell a black-holed connection
 * from a slow one.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface TcpRelay {
  readonly url: string
  /** Open connections whose bytes still flow. */
  openConnections(): number
  /** From now on the open connections forward nothing, and are never closed by the relay. */
  blackholeOpen(): number
  close(): Promise<void>
}

export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const flowing = new Set<Socket>()
  const held: Socket[] = []
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    const forget = () => {
      flowing.delete(client)
      if (!held.includes(client)) {
        client.destroy()
        upstream.destroy()
      }
    }
    client.on('error', forget)
    upstream.on('error', forget)
    client.on('close', forget)
    upstream.on('close', forget)
    client.pipe(upstream)
    upstream.pipe(client)
    flowing.add(client)
    Object.assign(client, { relayUpstream: upstream })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the relay has no TCP address')
  return {
    url: `http://127.0.0.1:${address.port}`,
    openConnections: () => flowing.size,
    blackholeOpen() {
      const count = flowing.size
      for (const client of flowing) {
        const upstream = (client as Socket & { relayUpstream: Socket }).relayUpstream
        client.unpipe(upstream)
        upstream.unpipe(client)
        // Read and drop whatever still arrives, so neither side sees back-pressure or an error.
        client.on('data', () => {})
        upstream.on('data', () => {})
        held.push(client, upstream)
      }
      flowing.clear()
      return count
    },
    async close() {
      for (const socket of [...flowing, ...held]) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
