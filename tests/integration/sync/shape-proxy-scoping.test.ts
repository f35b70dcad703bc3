/**
 * The authorizing proxy in front of the real sync service: whatever a client puts in the URL or
 * body, it only ever receives rows of its own account (account shapes) or of a session it may read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseClient } from '../../../src/db/client'
import { todosRepository } from '../../../src/server/repositories/todos-repository'
import { allShapes } from '../../../src/server/shapes/shape-catalog'
import { proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import type { SyncTarget } from '../../helpers/sync-target'
import { type SeededAccount, startTwoSeededAccounts, type TwoSeededAccounts } from '../../helpers/two-seeded-accounts'

let client: DatabaseClient
let sync: SyncTarget
let alice: SeededAccount
let bob: SeededAccount
let setup: TwoSeededAccounts

beforeAll(async () => {
  setup = await startTwoSeededAccounts()
  ;({ client, sync, alice, bob } = setup)
})
afterAll(() => setup?.stop())

type ShapeItem = { key?: string; value?: Record<string, string | null>; headers: Record<string, unknown> }

async function asAlice(query: string, init: RequestInit = {}) {
  const request = new Request(`http://app.test/api/shape?${query}`, init)
  return proxyShapeRequest(request, {
    db: client.db,
    principal: alice.principal,
    electricUrl: sync.url,
    electricSecret: sync.secret,
  })
}

/** Reads a shape from the start until up-to-date and returns its rows. */
async function readRows(query: string) {
  let response = await asAlice(`${query}&offset=-1`)
  expect(response.status, await response.clone().text()).toBe(200)
  const rows: Record<string, string | null>[] = []
  for (let i = 0; i < 10; i++) {
    const items = (await response.json()) as ShapeItem[]
    for (const item of items) if (item.value) rows.push(item.value)
    if (items.at(-1)?.headers.control === 'up-to-date') return rows
    const handle = response.headers.get('electric-handle')
    const offset = response.headers.get('electric-offset')
    response = await asAlice(`${query}&offset=${offset}&handle=${handle}`)
    expect(response.status).toBe(200)
  }
  throw new Error('shape never became up to date')
}

describe('every catalog shape is scoped to the principal', () => {
  // The member scope (sessions other accounts shared with the user) has its own test:
  // tests/integration/sync/session-members.test.ts.
  for (const definition of allShapes().filter((shape) => shape.scope !== 'member')) {
    it(`${definition.name}: only alice's rows, never hidden columns`, async () => {
      const query =
        definition.scope === 'session'
          ? `shape=${definition.name}&session=${alice.session.id}`
          : `shape=${definition.name}`
      const rows = await readRows(query)
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) {
        expect(row.account_id).toBe(alice.account.id)
        if (definition.scope === 'session') expect(row.session_id).toBe(alice.session.id)
        expect(Object.keys(row).sort()).toEqual([...definition.columns].sort())
      }
      expect(JSON.stringify(rows)).not.toContain('SECRET CONTENT')
      expect(JSON.stringify(rows)).not.toContain('search_vector')
    })
  }
})

describe('clients cannot widen a shape', () => {
  it('ignores table, where, columns and params[n] in the URL', async () => {
    const attack = new URLSearchParams({
      shape: 'todos',
      table: 'users',
      where: 'true',
      columns: 'password_hash',
      'params[1]': bob.account.id,
      replica: 'full',
    })
    const rows = await readRows(attack.toString())
    expect(rows.map((r) => r.text)).toEqual(['alice todo'])
  })

  it('ignores percent-encoded parameter names', async () => {
    const rows = await readRows(`shape=todos&%70arams%5B1%5D=${bob.account.id}&t%61ble=users`)
    expect(rows.map((r) => r.text)).toEqual(['alice todo'])
  })

  it("refuses another account's session with 403", async () => {
    for (const name of ['chat_messages', 'timeline_events', 'session_uploads']) {
      const response = await asAlice(`shape=${name}&session=${bob.session.id}&offset=-1`)
      expect(response.status).toBe(403)
    }
  })

  it('refuses repeated selector or protocol parameters, unknown shapes and missing sessions with 400', async () => {
    const cases = [
      `shape=todos&shape=sessions&offset=-1`,
      `shape=chat_messages&session=${alice.session.id}&session=${bob.session.id}&offset=-1`,
      `shape=todos&offset=-1&offset=0_0`,
      `shape=users&offset=-1`,
      `offset=-1`,
      `shape=chat_messages&offset=-1`,
      `shape=chat_messages&session=not-a-uuid&offset=-1`,
    ]
    for (const query of cases) {
      const response = await asAlice(query)
      expect(response.status, query).toBe(400)
      expect(((await response.json()) as { message: string }).message.length).toBeGreaterThan(10)
    }
  })

  it('subset where clauses can only narrow (GET and POST)', async () => {
    const base = `shape=timeline_events&session=${alice.session.id}&offset=-1`
    const get = await asAlice(
      `${base}&subset__where=${encodeURIComponent('true OR true')}&subset__limit=100&subset__order_by=ordinal`,
    )
    expect(get.status, await get.clone().text()).toBe(200)
    const getBody = (await get.json()) as { data: ShapeItem[] }
    expect(getBody.data.map((d) => d.value?.session_id)).toEqual([alice.session.id, alice.session.id])

    const post = await asAlice(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        where: '"session_id" = $1 OR true',
        params: { '1': bob.session.id },
        order_by: 'ordinal',
        limit: 10,
      }),
    })
    expect(post.status, await post.clone().text()).toBe(200)
    const postBody = (await post.json()) as { data: ShapeItem[] }
    expect(postBody.data.length).toBe(2)
    for (const item of postBody.data) expect(item.value?.session_id).toBe(alice.session.id)
  })

  it('subset filters cannot probe columns that are not synced', async () => {
    const response = await asAlice(
      `shape=session_uploads&session=${alice.session.id}&offset=-1&subset__where=${encodeURIComponent('content IS NOT NULL')}`,
    )
    expect(response.status).toBe(400)
  })

  it('names like __proto__ and constructor are unknown shapes (400), not crashes', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const response = await asAlice(`shape=${name}&offset=-1`)
      expect(response.status, name).toBe(400)
    }
  })

  it('stops reading an oversized subset body at the limit (413) instead of buffering it', async () => {
    let pulled = 0
    // An endless body: the proxy must give up at 64 KiB, or this test never ends.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 16 * 1024
        controller.enqueue(new Uint8Array(16 * 1024).fill(32))
      },
    })
    const response = await asAlice('shape=todos&offset=-1', {
      method: 'POST',
      body: endless,
      headers: { 'content-type': 'application/json' },
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThan(1024 * 1024)
  })

  it('rejects a non-object subset body', async () => {
    const response = await asAlice(`shape=todos&offset=-1`, { method: 'POST', body: '[1,2]' })
    expect(response.status).toBe(400)
  })
})

describe('responses are private to the caller', () => {
  it('adds Vary: Cookie, turns public caching private, and drops encoding headers', async () => {
    const response = await asAlice('shape=todos&offset=-1')
    expect(response.status).toBe(200)
    expect(response.headers.get('vary')).toMatch(/cookie/i)
    expect(response.headers.get('cache-control') ?? '').not.toMatch(/public|s-maxage/)
    // The sync service's permissive CORS headers are not passed on.
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([])
    expect(response.headers.get('content-encoding')).toBeNull()
    expect(response.headers.get('electric-handle')).toBeTruthy()
    expect(response.headers.get('electric-schema')).toBeTruthy()
  })

  it('answers 503 with Retry-After when the sync service is down', async () => {
    const response = await proxyShapeRequest(new Request('http://app.test/api/shape?shape=todos&offset=-1'), {
      db: client.db,
      principal: alice.principal,
      electricUrl: 'http://127.0.0.1:1',
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
  })
})

describe('live mode over server-sent events', () => {
  it('passes each event through as it arrives, with the stream still open (nothing buffered)', async () => {
    let response = await asAlice('shape=todos&offset=-1')
    for (let i = 0; i < 10 && !response.headers.has('electric-up-to-date'); i++) {
      const handle = response.headers.get('electric-handle')
      const offset = response.headers.get('electric-offset')
      response = await asAlice(`shape=todos&offset=${offset}&handle=${handle}`)
    }
    expect(response.headers.has('electric-up-to-date')).toBe(true)
    const handle = response.headers.get('electric-handle')
    const offset = response.headers.get('electric-offset')

    const live = await asAlice(`shape=todos&offset=${offset}&handle=${handle}&live=true&live_sse=true&cursor=`)
    expect(live.status).toBe(200)
    expect(live.headers.get('content-type')).toBe('text/event-stream')
    expect(live.headers.get('cache-control') ?? '').toMatch(/^private, max-age=\d+$/)
    expect(live.headers.get('vary')).toMatch(/cookie/i)
    const reader = (live.body as ReadableStream<Uint8Array>).getReader()
    const decoder = new TextDecoder()
    let text = ''
    /** The events up to the next up-to-date; the stream must stay open meanwhile. */
    const nextBatch = async () => {
      const start = text.length
      while (!text.slice(start).includes('"up-to-date"')) {
        const { done, value } = await reader.read()
        expect(done, `stream ended early after: ${text}`).toBe(false)
        text += decoder.decode(value, { stream: true })
      }
      return text
        .slice(start)
        .split('\n\n')
        .filter((block) => block.startsWith('data: '))
        .map((block) => JSON.parse(block.slice('data: '.length)) as ShapeItem)
        .map((event) => event.value?.text ?? event.headers.control)
    }
    try {
      await todosRepository.createTodo(client.db, { accountId: alice.account.id, text: 'streamed todo' })
      await todosRepository.createTodo(client.db, { accountId: bob.account.id, text: 'not for alice' })
      expect(await nextBatch()).toEqual(['streamed todo', 'up-to-date'])
      // Written only after the first event was read: a proxy that buffered until the stream's end
      // would never deliver it on this stream.
      await todosRepository.createTodo(client.db, { accountId: alice.account.id, text: 'second streamed todo' })
      expect(await nextBatch()).toEqual(['second streamed todo', 'up-to-date'])
    } finally {
      await reader.cancel()
    }
  })
})
