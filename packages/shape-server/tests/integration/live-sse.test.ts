import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  byKey,
  eventually,
  getShape,
  type ShapeServerFixture,
  StreamRecorder,
  startFixture,
  withQuery,
} from './support.ts'

let fixture: ShapeServerFixture
// Longer than the client's 1 s "closed too quickly" threshold, short enough for tests.
const SSE_TIMEOUT_MS = 2_500
const KEEP_ALIVE_MS = 400

type Item = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }

beforeAll(async () => {
  fixture = await startFixture({
    longPollTimeoutMs: 1_000,
    sseTimeoutMs: SSE_TIMEOUT_MS,
    sseKeepAliveMs: KEEP_ALIVE_MS,
  })
  await fixture.sql.unsafe(`
    CREATE TABLE tasks (id int PRIMARY KEY, title text NOT NULL);
    INSERT INTO tasks VALUES (1, 'one'), (2, 'two');
    CREATE TABLE gone (id int PRIMARY KEY);
    CREATE TABLE fallback (id int PRIMARY KEY, title text NOT NULL);
    INSERT INTO fallback VALUES (1, 'one');
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

/** An open event stream: its head, and the events and comments as they arrive. */
class EventStreamReader {
  readonly events: Item[] = []
  readonly comments: string[] = []
  ended = false
  private buffer = ''
  private readonly controller = new AbortController()
  private done: Promise<void> = Promise.resolve()

  static async open(query: Record<string, string>) {
    const reader = new EventStreamReader()
    const response = await fetch(withQuery(fixture.shapeUrl, query), {
      headers: { accept: 'text/event-stream' },
      signal: reader.controller.signal,
    })
    reader.done = reader.consume(response)
    return { reader, response }
  }

  private async consume(response: Response) {
    const decoder = new TextDecoder()
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true })
        for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
          const block = this.buffer.slice(0, end)
          this.buffer = this.buffer.slice(end + 2)
          if (block.startsWith(':')) this.comments.push(block.slice(1).trim())
          else if (block.startsWith('data: ')) this.events.push(JSON.parse(block.slice('data: '.length)))
          else throw new Error(`Unexpected event block: ${block}`)
        }
      }
    } catch (error) {
      if (!this.controller.signal.aborted) throw error
    }
    this.ended = true
  }

  untilEnd() {
    return this.done
  }

  close() {
    this.controller.abort()
  }
}

async function caughtUp(table: string) {
  const first = await getShape(fixture.shapeUrl, { table, offset: '-1' })
  const handle = first.headers.get('electric-handle') as string
  const rest = await getShape(fixture.shapeUrl, { table, offset: '0_0', handle })
  return { handle, offset: rest.headers.get('electric-offset') as string }
}

describe('live mode over server-sent events', () => {
  it('streams changes as data events, ending each batch with up-to-date, then closes after the SSE timeout', async () => {
    const { handle, offset } = await caughtUp('tasks')
    const { reader, response } = await EventStreamReader.open({
      table: 'tasks',
      handle,
      offset,
      live: 'true',
      live_sse: 'true',
      cursor: '',
    })
    try {
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/event-stream')
      expect(response.headers.get('electric-handle')).toBe(handle)
      expect(response.headers.get('electric-offset')).toBe(offset)
      expect(Number(response.headers.get('electric-cursor'))).toBeGreaterThan(0)
      expect(response.headers.get('cache-control')).toBe('public, max-age=1')
      expect(response.headers.get('electric-schema')).toBeNull()

      await fixture.sql`INSERT INTO tasks VALUES (3, 'three')`
      await fixture.sql.begin(async (sql) => {
        await sql`UPDATE tasks SET title = 'ONE' WHERE id = 1`
        await sql`DELETE FROM tasks WHERE id = 2`
      })
      await eventually(
        () => reader.events.length >= 5,
        () => `5 events, got ${JSON.stringify(reader.events)}`,
      )
      expect(reader.events.map((event) => event.headers.operation ?? event.headers.control)).toEqual([
        'insert',
        'up-to-date',
        'update',
        'delete',
        'up-to-date',
      ])
      expect(reader.events[0]).toMatchObject({ key: '"public"."tasks"/"3"', value: { id: '3', title: 'three' } })
      const lastChange = reader.events[3].headers
      const upToDate = reader.events[4].headers
      // The client resumes from "<global_last_seen_lsn>_0": it must lie past what it was sent.
      expect(BigInt(upToDate.global_last_seen_lsn as string)).toBeGreaterThanOrEqual(BigInt(lastChange.lsn as string))

      await reader.untilEnd()
      expect(reader.ended).toBe(true)
      expect(reader.comments).toContain('keep-alive')

      // Resuming where the stream left the client: nothing is sent twice.
      const resumed = await getShape(fixture.shapeUrl, {
        table: 'tasks',
        handle,
        offset: `${upToDate.global_last_seen_lsn}_0`,
      })
      expect(resumed.status).toBe(200)
      expect((resumed.body as Item[]).map((item) => item.headers.control)).toEqual(['up-to-date'])
    } finally {
      reader.close()
    }
  })

  it('sends the changes that are already there at once and keeps the stream open for more', async () => {
    const { handle, offset } = await caughtUp('tasks')
    await fixture.sql`INSERT INTO tasks VALUES (4, 'four')`
    // A long poll returns once the insert is in the shape's log.
    const later = await getShape(fixture.shapeUrl, { table: 'tasks', handle, offset, live: 'true', cursor: '' })
    expect((later.body as Item[])[0].headers.operation).toBe('insert')

    const { reader } = await EventStreamReader.open({ table: 'tasks', handle, offset, live: 'true', live_sse: 'true' })
    try {
      await eventually(() => reader.events.length >= 2, 'the waiting change')
      expect(reader.events.map((event) => event.headers.operation ?? event.headers.control)).toEqual([
        'insert',
        'up-to-date',
      ])
      expect(reader.ended).toBe(false)
      await fixture.sql`INSERT INTO tasks VALUES (5, 'five')`
      await eventually(() => reader.events.length >= 4, 'the next change on the same stream')
      expect(reader.events[2]).toMatchObject({ key: '"public"."tasks"/"5"' })
    } finally {
      reader.close()
    }
  })

  it('tells a client whose shape is rotated to refetch, then closes', async () => {
    await fixture.sql`INSERT INTO gone VALUES (1)`
    const { handle, offset } = await caughtUp('gone')
    const { reader } = await EventStreamReader.open({ table: 'gone', handle, offset, live: 'true', live_sse: 'true' })
    try {
      await fixture.sql`TRUNCATE gone`
      await reader.untilEnd()
      expect(reader.events.map((event) => event.headers.control)).toEqual(['must-refetch'])
      const next = await getShape(fixture.shapeUrl, { table: 'gone', handle, offset, live: 'true', live_sse: 'true' })
      expect(next.status).toBe(409)
      expect(next.headers.get('electric-handle')).not.toBe(handle)
    } finally {
      reader.close()
    }
  })

  it('answers errors on event-stream requests as JSON, like Electric', async () => {
    const { handle } = await caughtUp('tasks')
    const tooFar = await getShape(fixture.shapeUrl, {
      table: 'tasks',
      handle,
      offset: '999999999999_0',
      live: 'true',
      live_sse: 'true',
    })
    expect(tooFar.status).toBe(400)
    expect(tooFar.headers.get('content-type')).toContain('application/json')
    expect(tooFar.body).toEqual({ message: 'Invalid request', errors: { offset: ['out of bounds for this shape'] } })
  })

  it('keeps a ShapeStream with liveSse in sync across reconnections', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'tasks' }, liveSse: true })
    try {
      await recorder.upToDate()
      const before = recorder.rows.length
      await fixture.sql`INSERT INTO tasks VALUES (10, 'ten')`
      await recorder.waitFor(() => recorder.rows.some((row) => row.id === 10), 'the first live insert')
      // Outlive one SSE connection, so the next change arrives on a reconnected stream.
      await new Promise((resolve) => setTimeout(resolve, SSE_TIMEOUT_MS + 500))
      await fixture.sql`UPDATE tasks SET title = 'TEN' WHERE id = 10`
      await fixture.sql`INSERT INTO tasks VALUES (11, 'eleven')`
      await recorder.waitFor(
        () => recorder.rows.some((row) => row.id === 11 && recorder.rows.some((r) => r.title === 'TEN')),
        'changes after a reconnection',
      )
      expect(recorder.rows).toHaveLength(before + 2)
      const { rows } = { rows: await fixture.sql`SELECT id, title FROM tasks ORDER BY id` }
      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual(rows.map((row) => ({ ...row })))
      const inserted = recorder.changeMessages().filter((message) => message.key === '"public"."tasks"/"10"')
      expect(inserted.map((message) => message.headers.operation)).toEqual(['insert', 'update'])
    } finally {
      recorder.close()
    }
  })

  it('falls back to long polling when something between cuts every event stream short', async () => {
    const seen: string[] = []
    const proxy = await startStreamCuttingProxy(fixture.shapeUrl, seen)
    const recorder = new StreamRecorder({ url: proxy.url, params: { table: 'fallback' }, liveSse: true })
    try {
      await recorder.upToDate()
      await eventually(
        () =>
          seen.filter((query) => query.includes('live_sse=true')).length >= 3 &&
          seen.at(-1)?.includes('live=true') === true &&
          !seen.at(-1)?.includes('live_sse'),
        () => `a live request without live_sse after three cut streams; saw ${seen.join(' | ')}`,
      )
      await fixture.sql`INSERT INTO fallback VALUES (2, 'two')`
      await recorder.waitFor(() => recorder.rows.length === 2, 'the insert over long polling')
    } finally {
      recorder.close()
      await proxy.close()
    }
  })
})

/** Forwards requests, but ends every event stream right after its head (a misconfigured proxy). */
async function startStreamCuttingProxy(upstreamUrl: string, seen: string[]) {
  const upstream = new URL(upstreamUrl)
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', upstream)
    for (const [key, value] of upstream.searchParams) url.searchParams.set(key, value)
    seen.push(url.searchParams.toString())
    const controller = new AbortController()
    response.on('close', () => controller.abort())
    try {
      const answer = await fetch(url, { signal: controller.signal })
      const headers = Object.fromEntries(answer.headers)
      delete headers['content-length']
      delete headers['content-encoding']
      response.writeHead(answer.status, headers)
      if (answer.headers.get('content-type') === 'text/event-stream') {
        controller.abort()
        response.end()
      } else {
        response.end(Buffer.from(await answer.arrayBuffer()))
      }
    } catch {
      response.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/shape`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
