import { ELECTRIC_PROTOCOL_QUERY_PARAMS as CLIENT_PARAMS } from '@electric-sql/client'
import { describe, expect, it } from 'vitest'
import { ELECTRIC_PROTOCOL_QUERY_PARAMS, forwardShape } from './shape-proxy'

describe('protocol parameters the proxy forwards', () => {
  it("are the client library's own list, so SSE and subset parameters pass", () => {
    expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).toEqual(CLIENT_PARAMS)
    for (const name of ['live', 'live_sse', 'experimental_live_sse', 'offset', 'handle', 'cursor', 'subset__where']) {
      expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).toContain(name)
    }
  })

  it('never include what defines the shape', () => {
    for (const name of ['table', 'where', 'params', 'columns', 'queryable_columns', 'replica', 'secret']) {
      expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).not.toContain(name)
    }
  })
})

describe('a subset request the client gives up on', () => {
  it('answers 499 without calling the sync service or raising an error', async () => {
    const controller = new AbortController()
    const body = new ReadableStream<Uint8Array>({
      start(stream) {
        stream.enqueue(new TextEncoder().encode('{"where":'))
      },
      pull(stream) {
        // The connection drops mid-body: the request is aborted and its body errors.
        controller.abort()
        stream.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }))
      },
    })
    const request = new Request('http://app.test/api/shape?shape=todos&offset=-1&subset__limit=10', {
      method: 'POST',
      body,
      signal: controller.signal,
      duplex: 'half',
    } as RequestInit)
    let upstreamCalls = 0
    const response = await forwardShape(request, new URL(request.url), {
      shape: { table: 'todos', where: '"account_id" = $1', params: ['a'], columns: '"id"' },
      electricUrl: 'http://sync.test',
      fetch: async () => {
        upstreamCalls++
        return new Response('[]')
      },
    })
    expect(response.status).toBe(499)
    expect(upstreamCalls).toBe(0)
  })
})

describe('a sync service connection that goes silent without closing', () => {
  /** A real HTTP server standing in for a dead peer: it accepts, then stops talking. */
  async function silentServer(behaviour: 'no-head' | 'stalls-mid-body') {
    const { createServer } = await import('node:http')
    const server = createServer((_request, response) => {
      if (behaviour === 'stalls-mid-body') {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.write('[{"headers":{"operation":"insert"},"key":"1"')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    if (!address || typeof address === 'string') throw new Error('no address')
    return {
      url: `http://127.0.0.1:${address.port}`,
      close: () => {
        server.closeAllConnections()
        server.close()
      },
    }
  }
  const shape = { table: 'todos', where: '"account_id" = $1', params: ['a'], columns: '"id"' }
  const liveRequest = () => new Request('http://app.test/api/shape?shape=todos&offset=0_0&handle=h&live=true')

  it('answers 503 with retry-after when no answer head arrives in time', async () => {
    const upstream = await silentServer('no-head')
    try {
      const request = liveRequest()
      const response = await forwardShape(request, new URL(request.url), {
        shape,
        electricUrl: upstream.url,
        idleTimeoutMs: 150,
      })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect((await response.json()).message).toMatch(/did not answer in time/)
    } finally {
      upstream.close()
    }
  })

  it('errors the body towards the client when the answer stalls half-way, instead of ending it as if whole', async () => {
    const upstream = await silentServer('stalls-mid-body')
    try {
      // A catch-up read streams its answer through; held live requests are read whole (below).
      const request = new Request('http://app.test/api/shape?shape=todos&offset=0_0&handle=h')
      const response = await forwardShape(request, new URL(request.url), {
        shape,
        electricUrl: upstream.url,
        idleTimeoutMs: 150,
      })
      expect(response.status).toBe(200)
      await expect(response.text()).rejects.toThrow(/sent nothing for 150 ms/)
    } finally {
      upstream.close()
    }
  })

  it('answers every waiter of a held live request 503 when its shared answer stalls half-way', async () => {
    const upstream = await silentServer('stalls-mid-body')
    try {
      const forward = () => {
        const request = liveRequest()
        return forwardShape(request, new URL(request.url), { shape, electricUrl: upstream.url, idleTimeoutMs: 150 })
      }
      const responses = await Promise.all([forward(), forward()])
      for (const response of responses) {
        expect(response.status).toBe(503)
        expect(response.headers.get('retry-after')).toBe('1')
        expect((await response.json()).message).toMatch(/did not answer in time/)
      }
    } finally {
      upstream.close()
    }
  })
})
