import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getShape, type ShapeServerFixture, StreamRecorder, startFixture, withQuery } from './support.ts'

let fixture: ShapeServerFixture
const LONG_POLL_MS = 1_000

type Item = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }

beforeAll(async () => {
  // Small chunks, so that multi-chunk snapshots and log reads are exercised.
  fixture = await startFixture({ longPollTimeoutMs: LONG_POLL_MS, chunkBytes: 4096 })
  await fixture.sql.unsafe(`
    CREATE TABLE notes (
      id int PRIMARY KEY,
      title varchar(80) NOT NULL,
      code char(3),
      price numeric(10, 2),
      at timestamptz(3),
      span interval minute to second,
      tags text[],
      position int
    );
    INSERT INTO notes (id, title, position) VALUES (1, 'a', 3), (2, 'b', 1), (3, 'c', 2);
    CREATE TABLE pairs (a int, b int, label text, PRIMARY KEY (b, a));
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

async function initialSync(query: Record<string, string>) {
  const first = await getShape(fixture.shapeUrl, { ...query, offset: '-1' })
  const handle = first.headers.get('electric-handle') as string
  const offset = first.headers.get('electric-offset') as string
  return { first, handle, offset }
}

describe('Electric HTTP protocol', () => {
  it('serves the initial snapshot at offset -1 with handle, offset 0_0, schema and snapshot-end', async () => {
    const { first, handle } = await initialSync({ table: 'notes' })
    expect(first.status).toBe(200)
    expect(handle).toMatch(/^\d+-\d+$/)
    expect(first.headers.get('electric-offset')).toBe('0_0')
    expect(first.headers.get('electric-up-to-date')).toBeNull()
    expect(first.headers.get('content-type')).toContain('application/json')
    expect(first.headers.get('cache-control')).toContain('max-age=604800')
    expect(JSON.parse(first.headers.get('electric-schema') as string)).toEqual({
      id: { type: 'int4', pk_index: 0, not_null: true },
      title: { type: 'varchar', max_length: 80, not_null: true },
      code: { type: 'bpchar', length: 3 },
      price: { type: 'numeric', precision: 10, scale: 2 },
      at: { type: 'timestamptz', precision: 3 },
      span: { type: 'interval', fields: 'MINUTE TO SECOND' },
      tags: { type: 'text', dims: 1 },
      position: { type: 'int4' },
    })
    const body = first.body as Item[]
    expect(body).toHaveLength(4)
    expect(body[0]).toEqual({
      key: '"public"."notes"/"1"',
      value: { id: '1', title: 'a', code: null, price: null, at: null, span: null, tags: null, position: '3' },
      headers: { operation: 'insert', relation: ['public', 'notes'] },
    })
    const end = body[3].headers
    expect(end.control).toBe('snapshot-end')
    expect(typeof end.xmin).toBe('string')
    expect(BigInt(end.xmax as string)).toBeGreaterThanOrEqual(BigInt(end.xmin as string))
    expect(Array.isArray(end.xip_list)).toBe(true)
  })

  it('builds composite keys in primary-key order', async () => {
    await fixture.sql`INSERT INTO pairs VALUES (1, 2, 'x')`
    const { first } = await initialSync({ table: 'pairs' })
    const body = first.body as Item[]
    expect(body[0].key).toBe('"public"."pairs"/"2"/"1"')
    expect(JSON.parse(first.headers.get('electric-schema') as string)).toEqual({
      a: { type: 'int4', pk_index: 1, not_null: true },
      b: { type: 'int4', pk_index: 0, not_null: true },
      label: { type: 'text' },
    })
  })

  it('answers a caught-up request with up-to-date at 0_inf and then long-polls for changes', async () => {
    const { handle } = await initialSync({ table: 'notes' })
    const caughtUp = await getShape(fixture.shapeUrl, { table: 'notes', offset: '0_0', handle })
    expect(caughtUp.status).toBe(200)
    expect(caughtUp.headers.get('electric-offset')).toBe('0_inf')
    expect(caughtUp.headers.get('electric-up-to-date')).toBe('')
    const [upToDate] = caughtUp.body as Item[]
    expect(upToDate.headers.control).toBe('up-to-date')
    expect(BigInt(upToDate.headers.global_last_seen_lsn as string)).toBeGreaterThan(0n)

    const held = getShape(fixture.shapeUrl, { table: 'notes', offset: '0_inf', handle, live: 'true', cursor: '' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await fixture.sql`INSERT INTO notes (id, title) VALUES (10, 'live')`
    const live = await held
    expect(live.status).toBe(200)
    expect(live.headers.get('electric-schema')).toBeNull()
    expect(Number(live.headers.get('electric-cursor'))).toBeGreaterThan(0)
    const body = live.body as Item[]
    expect(body.map((item) => item.headers.operation ?? item.headers.control)).toEqual(['insert', 'up-to-date'])
    const offset = live.headers.get('electric-offset') as string
    expect(offset).toBe(`${body[0].headers.lsn}_${body[0].headers.op_position}`)

    const timedOut = await getShape(fixture.shapeUrl, {
      table: 'notes',
      offset,
      handle,
      live: 'true',
      cursor: live.headers.get('electric-cursor') as string,
    })
    expect(timedOut.status).toBe(200)
    expect(timedOut.headers.get('electric-has-data')).toBe('false')
    expect(timedOut.headers.get('electric-offset')).toBe(offset)
    expect(Number(timedOut.headers.get('electric-cursor'))).toBeGreaterThan(Number(live.headers.get('electric-cursor')))
    expect((timedOut.body as Item[]).map((item) => item.headers.control)).toEqual(['up-to-date'])
  })

  it('splits big snapshots and logs into chunks that clients follow to the end', async () => {
    await fixture.sql.unsafe(`
      CREATE TABLE bulk (id int PRIMARY KEY, filler text);
      INSERT INTO bulk SELECT n, repeat('x', 100) FROM generate_series(1, 200) AS n;
    `)
    const offsets: string[] = []
    let response = await getShape(fixture.shapeUrl, { table: 'bulk', offset: '-1' })
    const handle = response.headers.get('electric-handle') as string
    let rows = 0
    for (;;) {
      const offset = response.headers.get('electric-offset') as string
      offsets.push(offset)
      rows += (response.body as Item[]).filter((item) => item.key).length
      if (response.headers.has('electric-up-to-date')) break
      response = await getShape(fixture.shapeUrl, { table: 'bulk', offset, handle })
    }
    expect(rows).toBe(200)
    expect(offsets.length).toBeGreaterThan(4)
    expect(offsets.slice(0, 3)).toEqual(['0_0', '0_1', '0_2'])
    expect(offsets.at(-1)).toBe('0_inf')

    await fixture.sql`UPDATE bulk SET filler = repeat('y', 100)`
    const liveOffsets: string[] = []
    let updates = 0
    let offset = '0_inf'
    for (;;) {
      const next = await getShape(fixture.shapeUrl, { table: 'bulk', offset, handle, live: 'true', cursor: '' })
      updates += (next.body as Item[]).filter((item) => item.headers.operation === 'update').length
      offset = next.headers.get('electric-offset') as string
      liveOffsets.push(offset)
      if (updates === 200 && next.headers.has('electric-up-to-date')) break
    }
    expect(liveOffsets.length).toBeGreaterThan(1)
    expect(new Set(liveOffsets).size).toBe(liveOffsets.length)

    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'bulk' } })
    try {
      await recorder.upToDate()
      expect(recorder.rows).toHaveLength(200)
      expect(recorder.rows.every((row) => row.filler === 'y'.repeat(100))).toBe(true)
    } finally {
      recorder.close()
    }
  })

  it('supports offset=now and log=changes_only', async () => {
    const now = await getShape(fixture.shapeUrl, { table: 'notes', offset: 'now', log: 'changes_only' })
    expect(now.status).toBe(200)
    expect(now.headers.get('electric-has-data')).toBe('false')
    expect(now.headers.get('electric-schema')).not.toBeNull()
    expect((now.body as Item[]).map((item) => item.headers.control)).toEqual(['up-to-date'])
    const handle = now.headers.get('electric-handle') as string

    const snapshot = await getShape(fixture.shapeUrl, { table: 'notes', offset: '-1', log: 'changes_only' })
    expect(snapshot.headers.get('electric-handle')).toBe(handle)
    expect((snapshot.body as Item[]).map((item) => item.headers.control)).toEqual(['snapshot-end'])

    await fixture.sql`UPDATE notes SET title = 'changed' WHERE id = 2`
    const changes = await getShape(fixture.shapeUrl, {
      table: 'notes',
      offset: now.headers.get('electric-offset') as string,
      handle,
      log: 'changes_only',
      live: 'true',
      cursor: '',
    })
    const body = changes.body as Item[]
    expect(body[0].headers.operation).toBe('update')
    expect(body[0].value).toEqual({ id: '2', title: 'changed' })
  })

  it('answers 409 must-refetch with the current handle for unknown and deleted handles', async () => {
    const { handle } = await initialSync({ table: 'notes', where: 'id > 1' })
    const unknown = await getShape(fixture.shapeUrl, { table: 'notes', where: 'id > 1', offset: '0_0', handle: '1-1' })
    expect(unknown.status).toBe(409)
    expect(unknown.body).toEqual([{ headers: { control: 'must-refetch' } }])
    expect(unknown.headers.get('electric-handle')).toBe(handle)

    const mismatched = await getShape(fixture.shapeUrl, { table: 'notes', where: 'id > 2', offset: '0_0', handle })
    expect(mismatched.status).toBe(409)
    expect(mismatched.headers.get('electric-handle')).not.toBe(handle)

    const deleted = await fetch(withQuery(fixture.shapeUrl, { handle }), { method: 'DELETE' })
    expect(deleted.status).toBe(202)
    const afterDelete = await getShape(fixture.shapeUrl, { table: 'notes', where: 'id > 1', offset: '0_0', handle })
    expect(afterDelete.status).toBe(409)
    const rotated = afterDelete.headers.get('electric-handle') as string
    expect(rotated).not.toBe(handle)
    expect(BigInt(rotated.split('-')[1])).toBeGreaterThan(BigInt(handle.split('-')[1]))
    expect((await fetch(withQuery(fixture.shapeUrl, { handle }), { method: 'DELETE' })).status).toBe(404)
  })

  it('rotates shapes on TRUNCATE', async () => {
    await fixture.sql.unsafe('CREATE TABLE scratch (id int PRIMARY KEY); INSERT INTO scratch VALUES (1)')
    const { handle } = await initialSync({ table: 'scratch' })
    const held = getShape(fixture.shapeUrl, { table: 'scratch', offset: '0_inf', handle, live: 'true', cursor: '' })
    await new Promise((resolve) => setTimeout(resolve, 100))
    await fixture.sql`TRUNCATE scratch`
    const response = await held
    expect(response.status).toBe(409)
    expect(response.headers.get('electric-handle')).not.toBe(handle)
  })

  it('rejects offsets beyond the end of the log after a short wait', async () => {
    const { handle } = await initialSync({ table: 'notes' })
    const beyond = await getShape(fixture.shapeUrl, { table: 'notes', offset: '999999999999_0', handle })
    expect(beyond.status).toBe(400)
    expect(beyond.body).toEqual({ message: 'Invalid request', errors: { offset: ['out of bounds for this shape'] } })
  })

  it('revalidates with etags and serves health, CORS preflight and 404s', async () => {
    const { first } = await initialSync({ table: 'notes' })
    const etag = first.headers.get('etag') as string
    const cached = await getShape(
      fixture.shapeUrl,
      { table: 'notes', offset: '-1' },
      { headers: { 'if-none-match': etag } },
    )
    expect(cached.status).toBe(304)

    const health = await fetch(`${fixture.server.url}/v1/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'active' })

    const preflight = await fetch(fixture.shapeUrl, { method: 'OPTIONS', headers: { origin: 'http://app.test' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://app.test')
    expect(first.headers.get('access-control-expose-headers')).toContain('electric-handle')
    expect(first.headers.get('electric-server')).toMatch(/^ElectricSQL\//)

    expect((await fetch(`${fixture.server.url}/v2/nothing`)).status).toBe(404)
  })

  it('serves subset snapshots over GET and POST with metadata and the shape offset', async () => {
    const { handle, offset } = await initialSync({ table: 'notes', log: 'changes_only' })
    const viaGet = await getShape(fixture.shapeUrl, {
      table: 'notes',
      log: 'changes_only',
      offset,
      handle,
      subset__where: '"position" >= $1',
      subset__params: JSON.stringify({ '1': '2' }),
      subset__order_by: '"position" DESC NULLS LAST',
      subset__limit: '5',
    })
    expect(viaGet.status).toBe(200)
    expect(viaGet.headers.get('electric-snapshot')).toBe('true')
    expect(viaGet.headers.get('electric-handle')).toBe(handle)
    const logEnd = await getShape(fixture.shapeUrl, { table: 'notes', log: 'changes_only', offset, handle })
    expect(viaGet.headers.get('electric-offset')).toBe(logEnd.headers.get('electric-offset'))
    expect(viaGet.headers.get('electric-schema')).not.toBeNull()
    const result = viaGet.body as { metadata: Record<string, unknown>; data: Item[] }
    expect(result.data.map((item) => item.value?.id)).toEqual(['1', '3'])
    expect(typeof result.metadata.snapshot_mark).toBe('number')
    expect(result.data[0].headers.snapshot_mark).toBe(result.metadata.snapshot_mark)
    expect(BigInt(result.metadata.database_lsn as string)).toBeGreaterThan(0n)
    expect(typeof result.metadata.xmin).toBe('string')

    const viaPost = await fetch(withQuery(fixture.shapeUrl, { table: 'notes', log: 'changes_only', offset, handle }), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ where: '"title" ILIKE $1', params: { 1: 'CH%' }, order_by: '"id"', limit: 10 }),
    })
    expect(viaPost.status).toBe(200)
    const posted = (await viaPost.json()) as { data: Item[] }
    expect(posted.data.map((item) => item.value?.id)).toEqual(['2'])

    // queryable_columns narrows what subsets may filter on and is the default column list.
    const narrowed = await getShape(fixture.shapeUrl, {
      table: 'notes',
      offset: '-1',
      queryable_columns: 'id,"position"',
      subset__where: '"position" = $1',
      subset__params: JSON.stringify({ '1': '3' }),
    })
    expect(narrowed.status).toBe(200)
    expect((narrowed.body as { data: Item[] }).data.map((item) => item.value)).toEqual([{ id: '1', position: '3' }])
  })
})
