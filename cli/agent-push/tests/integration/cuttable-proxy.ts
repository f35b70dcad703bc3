/**
 * A TCP proxy between agent-push and the app that a test can cut (every connection dropped, the
 * port closed) and restore (the same port again): a network loss without touching either side.
 * It also reads the HTTP requests passing through, so a test can count what a pusher sent.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface SeenRequest {
  method: string
  path: string
  query: URLSearchParams
  contentLength: number
}

/** Splits one connection's client → server bytes into requests (keep-alive: several in a row). */
class RequestReader {
  private buffer = Buffer.alloc(0)
  private bodyLeft = 0
  constructor(private readonly onRequest: (request: SeenRequest) => void) {}

  push(data: Buffer) {
    this.buffer = Buffer.concat([this.buffer, data])
    for (;;) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, this.buffer.length)
        this.buffer = this.buffer.subarray(skipped)
        this.bodyLeft -= skipped
        if (this.bodyLeft > 0) return
      }
      const end = this.buffer.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = this.buffer.subarray(0, end).toString('latin1')
      this.buffer = this.buffer.subarray(end + 4)
      const [requestLine, ...headers] = head.split('\r\n')
      const [method, target] = requestLine.split(' ')
      const lengthHeader = headers.find((header) => header.toLowerCase().startsWith('content-length:'))
      const contentLength = lengthHeader ? Number(lengthHeader.split(':')[1].trim()) : 0
      const url = new URL(target, 'http://proxy')
      this.onRequest({ method, path: url.pathname, query: url.searchParams, contentLength })
      this.bodyLeft = contentLength
    }
  }
}

export class CuttableProxy {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  readonly requests: SeenRequest[] = []
  port = 0

  constructor(private readonly targetPort: number) {}

  async listen(port = this.port): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1')
      const reader = new RequestReader((request) => this.requests.push(request))
      this.sockets.add(client)
      this.sockets.add(upstream)
      client.on('data', (data: Buffer) => {
        reader.push(data)
        upstream.write(data)
      })
      upstream.pipe(client)
      const close = () => {
        client.destroy()
        upstream.destroy()
        this.sockets.delete(client)
        this.sockets.delete(upstream)
      }
      client.on('close', close)
      upstream.on('close', close)
      client.on('error', close)
      upstream.on('error', close)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.server = server
    const address = server.address()
    this.port = typeof address === 'object' && address ? address.port : port
    return this.port
  }

  /** Drops every open connection and stops accepting new ones: the network is gone. */
  async cut() {
    const server = this.server
    this.server = undefined
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  async restore() {
    await this.listen(this.port)
  }

  async close() {
    await this.cut()
  }
}
