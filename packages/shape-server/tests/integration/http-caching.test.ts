import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { byKey, getShape, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'

let fixture: ShapeServerFixture
type Item = { key?: string; headers: Record<string, unknown> }

beforeAll(async () => {
  fixture = await startFixture({ longPollTimeoutMs: 500, cacheMaxAge: 7, cacheStaleAge: 11 })
  await fixture.sql.unsafe(`
    CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL);
    INSERT INTO items VALUES (1, 'one'), (2, 'two');
    CREATE TABLE shared (id int PRIMARY KEY, label text NOT NULL);
    INSERT INTO shared VALUES (1, 'one');
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

async function atTip(table: string) {
  const first = await getShape(fixture.shapeUrl, { table, offset: '-1' })
  const handle = first.headers.get('electric-handle') as string
  const tip = await getShape(fixture.shapeUrl, { table, offset: '0_0', handle })
  return { first, handle, tip }
}

describe('HTTP caching', () => {
  it('gives an empty catch-up read at the tip a stable etag that revalidates to 304 until the log moves', async () => {
    const { handle, tip } = await atTip('items')
    expect((tip.body as Item[]).map((item) => item.headers.control)).toEqual(['up-to-date'])
    expect(tip.headers.get('electric-has-data')).toBe('true')
    expect(tip.headers.get('cache-control')).toBe('public, max-age=7, stale-while-revalidate=11')
    const etag = tip.headers.get('etag') as string
    expect(etag).toBe(`"${handle}:0_0:0_inf"`)

    const again = await getShape(fixture.shapeUrl, { table: 'items', offset: '0_0', handle })
    expect(again.headers.get('etag')).toBe(etag)
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const revalidated = await getShape(
        fixture.shapeUrl,
        { table: 'items', offset: '0_0', handle },
        { headers: { 'if-none-match': ifNoneMatch } },
      )
      expect(revalidated.status, ifNoneMatch).toBe(304)
      expect(revalidated.text).toBe('')
      expect(revalidated.headers.get('electric-offset')).toBe('0_inf')
      expect(revalidated.headers.get('electric-handle')).toBe(handle)
    }

    await fixture.sql`INSERT INTO items VALUES (3, 'three')`
    // The log moved: the same URL and old etag now get the change (a live request waits for it).
    await getShape(fixture.shapeUrl, { table: 'items', offset: '0_inf', handle, live: 'true', cursor: '' })
    const moved = await getShape(
      fixture.shapeUrl,
      { table: 'items', offset: '0_0', handle },
      { headers: { 'if-none-match': etag } },
    )
    expect(moved.status).toBe(200)
    expect((moved.body as Item[]).map((item) => item.key ?? item.headers.control)).toEqual([
      '"public"."items"/"3"',
      'up-to-date',
    ])
    expect(moved.headers.get('etag')).not.toBe(etag)
  })

  it('keeps the week-long lifetime and a stable etag for the first chunk', async () => {
    const { first } = await atTip('items')
    expect(first.headers.get('cache-control')).toBe(
      'public, max-age=604800, s-maxage=3600, stale-while-revalidate=2629746',
    )
    expect(first.headers.get('electric-has-data')).toBe('true')
    const revalidated = await getShape(
      fixture.shapeUrl,
      { table: 'items', offset: '-1' },
      { headers: { 'if-none-match': first.headers.get('etag') as string } },
    )
    expect(revalidated.status).toBe(304)
  })

  it('marks only true no-change answers (offset=now, a live timeout) with has-data false and a one-off etag', async () => {
    const { handle, tip } = await atTip('items')
    const offset = tip.headers.get('electric-offset') as string

    const now = await getShape(fixture.shapeUrl, { table: 'items', offset: 'now' })
    expect(now.headers.get('electric-has-data')).toBe('false')
    const nowAgain = await getShape(
      fixture.shapeUrl,
      { table: 'items', offset: 'now' },
      { headers: { 'if-none-match': now.headers.get('etag') as string } },
    )
    expect(nowAgain.status).toBe(200)
    expect(nowAgain.headers.get('etag')).not.toBe(now.headers.get('etag'))

    const live = { table: 'items', offset, handle, live: 'true', cursor: '1' }
    const timedOut = await getShape(fixture.shapeUrl, live)
    expect(timedOut.headers.get('electric-has-data')).toBe('false')
    const timedOutAgain = await getShape(fixture.shapeUrl, live, {
      headers: { 'if-none-match': timedOut.headers.get('etag') as string },
    })
    expect(timedOutAgain.status).toBe(200)
    expect(timedOutAgain.headers.get('etag')).not.toBe(timedOut.headers.get('etag'))

    const held = getShape(fixture.shapeUrl, live)
    await fixture.sql`INSERT INTO items VALUES (4, 'four')`
    const withData = await held
    expect(withData.headers.get('electric-has-data')).toBe('true')
    expect(withData.headers.get('etag')).toBe(`"${handle}:${offset}:${withData.headers.get('electric-offset')}"`)
  })

  it('serves a second client through a revalidating cache from 304s, with the same rows', async () => {
    const cache = await startRevalidatingCache(fixture.shapeUrl)
    const first = new StreamRecorder({ url: cache.url, params: { table: 'shared' } })
    let second: StreamRecorder | undefined
    try {
      await first.upToDate()
      second = new StreamRecorder({ url: cache.url, params: { table: 'shared' } })
      await second.upToDate()
      // The second client's catch-up requests were the first client's URLs: revalidated, not resent.
      expect(cache.notModified).toBeGreaterThanOrEqual(1)
      await fixture.sql`INSERT INTO shared VALUES (2, 'two')`
      await first.waitFor(() => first.rows.length === 2, 'the insert on the first client')
      const other = second
      await other.waitFor(() => other.rows.length === 2, 'the insert on the second client')
      const expected = [
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ]
      expect(byKey(first.rows, (row) => Number(row.id))).toEqual(expected)
      expect(byKey(other.rows, (row) => Number(row.id))).toEqual(expected)
    } finally {
      first.close()
      second?.close()
      await cache.close()
    }
  })
})

/**
 * A shared cache in the way a CDN past `max-age` behaves: it keeps every 200 that has an etag and
 * revalidates it with `If-None-Match` on the next request for the same URL, serving its copy on 304.
 */
async function startRevalidatingCache(upstreamUrl: string) {
  const upstream = new URL(upstreamUrl)
  const stored = new Map<string, { etag: string; headers: Record<string, string>; body: Buffer }>()
  const state = { notModified: 0 }
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', upstream)
    for (const [key, value] of upstream.searchParams) url.searchParams.set(key, value)
    url.searchParams.sort()
    const key = url.toString()
    const copy = stored.get(key)
    const controller = new AbortController()
    response.on('close', () => controller.abort())
    try {
      const answer = await fetch(url, {
        signal: controller.signal,
        headers: copy ? { 'if-none-match': copy.etag } : {},
      })
      if (answer.status === 304 && copy) {
        state.notModified++
        response.writeHead(200, copy.headers)
        response.end(copy.body)
        return
      }
      const headers = Object.fromEntries(answer.headers)
      delete headers['content-length']
      delete headers['content-encoding']
      const body = Buffer.from(await answer.arrayBuffer())
      const etag = answer.headers.get('etag')
      if (answer.status === 200 && etag) stored.set(key, { etag, headers, body })
      response.writeHead(answer.status, headers)
      response.end(body)
    } catch {
      response.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/shape`,
    get notModified() {
      return state.notModified
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
