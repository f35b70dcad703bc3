/**
 * Request collapsing in the `/api/shape` proxy against real Postgres and the real shape server:
 * identical held live requests of authorized callers share one upstream long-poll (counted at the
 * wire, on the way to the shape server), callers of another scope never share an answer, one
 * caller leaving does not end the others' wait, and an upstream failure reaches every waiter.
 */
import { randomUUID } from 'node:crypto'
import { silentLogger, startShapeServer } from '@session-coach/shape-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseClient } from '../../../src/db/client'
import type { Principal } from '../../../src/server/repositories/accounts-repository'
import { todosRepository } from '../../../src/server/repositories/todos-repository'
import { LiveRequestCollapser } from '../../../src/server/shapes/live-request-collapser'
import { findShape, quotedColumns } from '../../../src/server/shapes/shape-catalog'
import { forwardShape, proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import type { TestDatabase } from '../../helpers/database'
import { eventually } from '../../helpers/eventually'
import type { SyncTarget } from '../../helpers/sync-target'
import { type SeededAccount, startTwoSeededAccounts, type TwoSeededAccounts } from '../../helpers/two-seeded-accounts'

type Seeded = SeededAccount
type Item = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }

let database: TestDatabase
let client: DatabaseClient
let sync: SyncTarget
let alice: Seeded
let bob: Seeded
let setup: TwoSeededAccounts

beforeAll(async () => {
  setup = await startTwoSeededAccounts()
  ;({ database, client, sync, alice, bob } = setup)
})
afterAll(() => setup?.stop())

/** The proxy of one test: its own collapser, and every request it sends to the shape server counted. */
function proxyFor(electricUrl = sync.url) {
  const collapser = new LiveRequestCollapser()
  const upstream: string[] = []
  const countingFetch: typeof fetch = (input, init) => {
    upstream.push(String(input))
    return fetch(input, init)
  }
  const request = (principal: Principal, query: string, signal?: AbortSignal) =>
    proxyShapeRequest(new Request(`http://app.test/api/shape?${query}`, { signal }), {
      db: client.db,
      principal,
      electricUrl,
      electricSecret: sync.secret,
      fetch: countingFetch,
      collapser,
    })
  const liveRequests = () => upstream.filter((url) => new URL(url).searchParams.get('live') === 'true').length
  return { collapser, request, liveRequests }
}

/** Reads a shape until up-to-date; the query for its next live request. */
async function liveQueryAfterCatchUp(
  request: (principal: Principal, query: string) => Promise<Response>,
  principal: Principal,
  shapeQuery: string,
) {
  let response = await request(principal, `${shapeQuery}&offset=-1`)
  for (let i = 0; i < 10; i++) {
    expect(response.status, await response.clone().text()).toBe(200)
    const handle = response.headers.get('electric-handle') ?? ''
    const offset = response.headers.get('electric-offset') ?? ''
    const cursor = response.headers.get('electric-cursor') ?? ''
    const items = (await response.json()) as Item[]
    if (items.at(-1)?.headers.control === 'up-to-date') {
      return `${shapeQuery}&offset=${offset}&handle=${handle}&live=true&cursor=${cursor}`
    }
    response = await request(principal, `${shapeQuery}&offset=${offset}&handle=${handle}`)
  }
  throw new Error('the shape never became up to date')
}

async function addTodo(who: Seeded) {
  const id = randomUUID()
  await todosRepository.createTodo(client.db, { accountId: who.account.id, id, text: `collapsed ${id}` })
  return id
}

const insertedIds = async (response: Response) =>
  ((await response.json()) as Item[])
    .filter((item) => item.headers.operation === 'insert')
    .map((item) => item.value?.id)

describe('identical held live requests', () => {
  it('share one upstream request, and every caller gets the row with its own headers', async () => {
    const { collapser, request, liveRequests } = proxyFor()
    const query = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
    const waiting = [1, 2, 3].map(() => request(alice.principal, query))
    await eventually(() => collapser.waiting === 3, 'three waiting callers')
    const id = await addTodo(alice)
    const answers = await Promise.all(waiting)
    expect(liveRequests()).toBe(1)
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.headers.get('vary')).toMatch(/cookie/i)
      expect(answer.headers.get('electric-offset')).toBeTruthy()
      expect(await insertedIds(answer)).toEqual([id])
    }
    // Each caller owns its headers: setting one (as the app's middleware does) leaves the others alone.
    answers[0].headers.set('set-cookie', 'sid=first')
    expect(answers[1].headers.get('set-cookie')).toBeNull()
    expect(collapser.inFlight).toBe(0)
  })

  it('are never shared across scopes, and a refused caller never joins', async () => {
    const { collapser, request, liveRequests } = proxyFor()
    const aliceQuery = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
    const bobQuery = await liveQueryAfterCatchUp(request, bob.principal, 'shape=todos')
    const bobLeaves = new AbortController()
    const bobWaiting = request(bob.principal, bobQuery, bobLeaves.signal)
    const aliceWaiting = request(alice.principal, aliceQuery)
    const refused = await request(bob.principal, `shape=timeline_events&session=${alice.session.id}&live=true`)
    expect(refused.status).toBe(403)
    await eventually(() => collapser.waiting === 2, 'alice and bob waiting')
    expect(collapser.inFlight).toBe(2)

    const id = await addTodo(alice)
    expect(await insertedIds(await aliceWaiting)).toEqual([id])
    // Alice's commit answered Alice alone: Bob still waits on his own shape.
    expect(collapser.waiting).toBe(1)
    bobLeaves.abort()
    expect((await bobWaiting).status).toBe(499)
    expect(liveRequests()).toBe(2)

    // Bob replaying Alice's live URL word for word gets his own account's shape bound, never her row.
    const replay = await request(bob.principal, aliceQuery)
    expect(await replay.text()).not.toContain(id)
  })

  it('go on for the others when one caller leaves', async () => {
    const { collapser, request, liveRequests } = proxyFor()
    const query = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
    const leaving = new AbortController()
    const left = request(alice.principal, query, leaving.signal)
    const staying = request(alice.principal, query)
    await eventually(() => collapser.waiting === 2, 'two waiting callers')
    leaving.abort()
    expect((await left).status).toBe(499)
    expect(collapser.waiting).toBe(1)
    const id = await addTodo(alice)
    const answer = await staying
    expect(answer.status).toBe(200)
    expect(await insertedIds(answer)).toEqual([id])
    expect(liveRequests()).toBe(1)
  })

  it('end the upstream request when the last caller leaves; the next caller asks afresh', async () => {
    const { collapser, request, liveRequests } = proxyFor()
    const query = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
    const leaving = [new AbortController(), new AbortController()]
    const waiting = leaving.map((controller) => request(alice.principal, query, controller.signal))
    await eventually(() => collapser.waiting === 2, 'two waiting callers')
    for (const controller of leaving) controller.abort()
    for (const answer of await Promise.all(waiting)) expect(answer.status).toBe(499)
    expect(collapser.inFlight).toBe(0)

    const again = request(alice.principal, query)
    await eventually(() => collapser.waiting === 1, 'a new waiting caller')
    const id = await addTodo(alice)
    expect(await insertedIds(await again)).toEqual([id])
    expect(liveRequests()).toBe(2)
  })

  it('answer only the caller whose access was cut, the others keep waiting', async () => {
    const collapser = new LiveRequestCollapser()
    const { request } = proxyFor()
    const query = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
    const todos = findShape('todos')
    if (!todos) throw new Error('the catalog has no todos shape')
    const forward = (cut?: AbortSignal) => {
      const incoming = new Request(`http://app.test/api/shape?${query}`)
      return forwardShape(incoming, new URL(incoming.url), {
        shape: {
          table: todos.table,
          where: `"${todos.scopeColumn}" = $1`,
          params: [alice.account.id],
          columns: quotedColumns(todos),
        },
        electricUrl: sync.url,
        electricSecret: sync.secret,
        collapser,
        cut,
        onCut: () => Response.json({ message: 'access ended' }, { status: 409 }),
      })
    }
    const revoked = new AbortController()
    const cutCaller = forward(revoked.signal)
    const otherCaller = forward()
    await eventually(() => collapser.waiting === 2, 'two waiting callers')
    revoked.abort()
    expect((await cutCaller).status).toBe(409)
    const id = await addTodo(alice)
    expect(await insertedIds(await otherCaller)).toEqual([id])
    expect(collapser.upstreamRequests).toBe(1)
  })
})

describe('an upstream failure', () => {
  it('reaches every waiter as 503 with Retry-After (the shape server stops while they wait)', async () => {
    const secret = sync.secret
    const server = await startShapeServer({
      databaseUrl: database.url,
      port: 0,
      secret,
      longPollTimeoutMs: 60_000,
      // The suite's shape server holds the database's default slot.
      slotName: `collapse_${randomUUID().replaceAll('-', '')}`,
      publicationName: 'collapse_test_publication',
      log: silentLogger,
    })
    const { collapser, request, liveRequests } = proxyFor(server.url)
    try {
      const query = await liveQueryAfterCatchUp(request, alice.principal, 'shape=todos')
      const waiting = [1, 2].map(() => request(alice.principal, query))
      await eventually(() => collapser.waiting === 2, 'two waiting callers')
      await server.close()
      const answers = await Promise.all(waiting)
      expect(answers.map((answer) => answer.status)).toEqual([503, 503])
      for (const answer of answers) expect(answer.headers.get('retry-after')).toBe('1')
      expect(liveRequests()).toBe(1)
    } finally {
      await server.close().catch(() => {})
    }
  })

  it('reaches every waiter when the sync service is unreachable', async () => {
    const { request, liveRequests } = proxyFor('http://127.0.0.1:1')
    const query = `shape=todos&offset=0_0&handle=unknown&live=true&cursor=1`
    const answers = await Promise.all([1, 2].map(() => request(alice.principal, query)))
    expect(answers.map((answer) => answer.status)).toEqual([503, 503])
    expect(liveRequests()).toBe(1)
  })
})
