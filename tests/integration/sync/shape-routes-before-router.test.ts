/**
 * The shape routes are answered by the server entry before TanStack Start builds its router
 * (src/server/http/early-routes.ts). Through the built app: the early path answers every case
 * as the router path does (status, body, security headers, cookies; the router is reached with a
 * trailing slash, which it serves with the same route), and it is the early path that serves
 * `/api/shape`: a browser leaving a held request there is not reported by Start as an error, which
 * the router path still does (TanStack Start's client-disconnect noise, AGENTS.md "Known noise").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localOwnerCookie, startTestApp, type TestApp } from '../../helpers/app-server'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { eventually } from '../../helpers/eventually'

let database: TestDatabase
let app: TestApp
let cookie: string

beforeAll(async () => {
  database = await createTestDatabase()
  app = await startTestApp(database.url)
  cookie = await localOwnerCookie(app.url)
}, 240_000)

afterAll(async () => {
  await app?.stop()
  await database?.drop()
})

/** The router serves these paths with a trailing slash too; the early path takes only the exact spelling. */
const THROUGH_ROUTER = { '/api/shape': '/api/shape/', '/api/share/shape': '/api/share/shape/' } as const

const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'vary',
  'x-content-type-options',
  'referrer-policy',
  'x-robots-tag',
  'allow',
  'retry-after',
]

async function answer(path: string, query: string, init: RequestInit = {}) {
  const response = await fetch(`${app.url}${path}?${query}`, init)
  const body = await response.text()
  const headers = Object.fromEntries(COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]))
  return { status: response.status, headers, setsCookie: response.headers.getSetCookie().length > 0, body }
}

/** A signed-in subset POST with a body over the shape routes' 64 KiB limit. */
function postOverSubsetLimit(path: string) {
  return answer(path, 'shape=todos&offset=-1', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: 'x'.repeat(70_000),
  })
}

const cases: { name: string; path: keyof typeof THROUGH_ROUTER; query: string; init?: () => RequestInit }[] = [
  {
    name: 'a signed-in snapshot',
    path: '/api/shape',
    query: 'shape=todos&offset=-1',
    init: () => ({ headers: { cookie } }),
  },
  { name: 'no cookie', path: '/api/shape', query: 'shape=todos&offset=-1' },
  {
    name: 'an unknown shape',
    path: '/api/shape',
    query: 'shape=users&offset=-1',
    init: () => ({ headers: { cookie } }),
  },
  {
    name: 'a cross-site subset POST',
    path: '/api/shape',
    query: 'shape=todos&offset=-1',
    init: () => ({
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    }),
  },
  {
    name: 'an API token',
    path: '/api/shape',
    query: 'shape=todos&offset=-1',
    init: () => ({ headers: { authorization: 'Bearer sct_not-a-real-token' } }),
  },
  { name: 'an unknown share link', path: '/api/share/shape', query: 'share=scs_unknown&shape=session&offset=-1' },
]

describe('shape routes served before the router', () => {
  for (const testCase of cases) {
    it(`answer ${testCase.name} exactly as the router path does`, async () => {
      const early = await answer(testCase.path, testCase.query, testCase.init?.())
      const routed = await answer(THROUGH_ROUTER[testCase.path], testCase.query, testCase.init?.())
      expect(early).toEqual(routed)
    })
  }

  it('security headers and Vary reach the early answers', async () => {
    const shape = await answer('/api/shape', 'shape=todos&offset=-1', { headers: { cookie } })
    expect(shape.status).toBe(200)
    expect(shape.headers['x-content-type-options']).toBe('nosniff')
    expect(shape.headers['referrer-policy']).toBe('same-origin')
    expect(shape.headers.vary).toMatch(/Cookie/)
    const share = await answer('/api/share/shape', 'share=scs_unknown&shape=session&offset=-1')
    expect(share.status).toBe(404)
    expect(share.headers['referrer-policy']).toBe('no-referrer')
    expect(share.headers['x-robots-tag']).toContain('noindex')
  })

  it('a subset body over 64 KiB is refused by the request middleware, before it is read', async () => {
    // The middleware's limit is for the exact path, so the router spelling is not compared here.
    const tooLarge = await postOverSubsetLimit('/api/shape')
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toContain('larger than this endpoint accepts (64 KiB)')
    expect(tooLarge.headers['x-content-type-options']).toBe('nosniff')
  })

  it('a path in another letter case, which the router still serves, gets the same middleware rules', async () => {
    const share = await answer('/API/SHARE/SHAPE', 'share=scs_unknown&shape=session&offset=-1')
    expect(share.status).toBe(404)
    expect(share.headers['referrer-policy']).toBe('no-referrer')
    expect(share.headers['x-robots-tag']).toContain('noindex')
    const tooLarge = await postOverSubsetLimit('/API/Shape')
    expect(tooLarge.status).toBe(413)
    expect(tooLarge.body).toContain('larger than this endpoint accepts (64 KiB)')
  })

  it('a browser leaving a held request on /api/shape is not reported as an error; through the router it is', async () => {
    const snapshot = await fetch(`${app.url}/api/shape?shape=todos&offset=-1`, { headers: { cookie } })
    await snapshot.arrayBuffer()
    const handle = snapshot.headers.get('electric-handle') ?? ''
    const offset = snapshot.headers.get('electric-offset') ?? ''
    const live = `shape=todos&handle=${encodeURIComponent(handle)}&offset=${encodeURIComponent(offset)}&live=true`
    const abortedLines = () => app.output().match(/Error: aborted/g)?.length ?? 0
    const before = abortedLines()

    // Held: nothing changes in the shape. The health answer comes after the app has taken the request.
    const leave = async (path: string) => {
      const controller = new AbortController()
      const held = fetch(`${app.url}${path}?${live}`, { headers: { cookie }, signal: controller.signal }).catch(
        () => undefined,
      )
      await (await fetch(`${app.url}/api/health`)).arrayBuffer()
      controller.abort()
      await held
    }
    await leave('/api/shape')
    await leave(THROUGH_ROUTER['/api/shape'])
    await eventually(() => abortedLines() > before, 'the router path to report the aborted request')
    expect(abortedLines() - before).toBe(1)
  })
})
