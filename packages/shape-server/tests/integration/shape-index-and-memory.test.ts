import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningShapeServer, silentLogger, startShapeServer } from '../../src/index.ts'
import { eventually, getShape, type ShapeServerFixture, startFixture } from './support.ts'

let fixture: ShapeServerFixture
type Item = { key?: string; value?: Record<string, string | null>; headers: Record<string, unknown> }

beforeAll(async () => {
  fixture = await startFixture({ longPollTimeoutMs: 500 })
  await fixture.sql.unsafe(`
    CREATE TABLE events (id int PRIMARY KEY, owner text NOT NULL, body text);
    CREATE TABLE blobs (id int PRIMARY KEY, owner text NOT NULL, body text);
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

/** A client of one shape: follows its log and keeps the rows it was sent. */
class Follower {
  handle = ''
  offset = '-1'
  readonly rows = new Map<string, Record<string, string | null>>()

  constructor(
    readonly url: string,
    readonly query: Record<string, string>,
  ) {}

  /** Reads until up-to-date (non-live). */
  async catchUp() {
    for (let i = 0; i < 20; i++) {
      const response = await getShape(this.url, {
        ...this.query,
        offset: this.offset,
        ...(this.handle ? { handle: this.handle } : {}),
      })
      expect(response.status, JSON.stringify(response.body)).toBe(200)
      this.handle = response.headers.get('electric-handle') as string
      this.offset = response.headers.get('electric-offset') as string
      const items = response.body as Item[]
      for (const item of items) {
        if (!item.key) continue
        if (item.headers.operation === 'delete') this.rows.delete(item.key)
        else this.rows.set(item.key, { ...this.rows.get(item.key), ...item.value })
      }
      if (items.at(-1)?.headers.control === 'up-to-date') return
    }
    throw new Error('never up to date')
  }

  owners() {
    return [...new Set([...this.rows.values()].map((row) => row.owner))].sort()
  }
}

describe('equality index', () => {
  it('gives each of many owner shapes exactly its rows, across moves, next to shapes the index cannot key', async () => {
    const owners = Array.from({ length: 60 }, (_, index) => `owner-${index}`)
    const keyed = owners.map(
      (owner) => new Follower(fixture.shapeUrl, { table: 'events', where: 'owner = $1', 'params[1]': owner }),
    )
    const pair = new Follower(fixture.shapeUrl, {
      table: 'events',
      where: "owner IN ('owner-1', 'owner-2') AND id > 0",
    })
    const negated = new Follower(fixture.shapeUrl, { table: 'events', where: "owner <> 'owner-0'" })
    const all = new Follower(fixture.shapeUrl, { table: 'events' })
    const followers = [...keyed, pair, negated, all]
    for (const follower of followers) await follower.catchUp()

    await fixture.sql.begin(async (sql) => {
      for (let id = 0; id < 180; id++) await sql`INSERT INTO events VALUES (${id}, ${owners[id % owners.length]}, 'x')`
    })
    // Moves between owners: out of one keyed shape, into another (the old and the new value count).
    await fixture.sql`UPDATE events SET owner = 'owner-2' WHERE id IN (1, 61)`
    await fixture.sql`UPDATE events SET body = 'changed' WHERE id = 2`
    await fixture.sql`DELETE FROM events WHERE id = 3`
    // Wait until the last write reached the catch-all shape, then read everything.
    for (let attempt = 0; attempt < 100; attempt++) {
      await all.catchUp()
      if (all.rows.size === 179) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(all.rows.size).toBe(179)
    for (const follower of followers) await follower.catchUp()

    const expected = await fixture.sql<{ id: number; owner: string; body: string }[]>`SELECT * FROM events`
    const rowsOf = (predicate: (row: { owner: string }) => boolean) =>
      expected
        .filter(predicate)
        .map((row) => row.id)
        .sort((a, b) => a - b)
    const idsOf = (follower: Follower) => [...follower.rows.values()].map((row) => Number(row.id)).sort((a, b) => a - b)
    owners.forEach((owner, index) => {
      expect(idsOf(keyed[index]), owner).toEqual(rowsOf((row) => row.owner === owner))
    })
    expect(idsOf(keyed[1])).not.toContain(1)
    expect(idsOf(keyed[2])).toEqual(expect.arrayContaining([1, 61]))
    expect([...keyed[2].rows.values()].find((row) => row.id === '2')?.body).toBe('changed')
    expect(idsOf(pair)).toEqual(rowsOf((row) => row.owner === 'owner-1' || row.owner === 'owner-2'))
    expect(idsOf(negated)).toEqual(rowsOf((row) => row.owner !== 'owner-0'))
  })
})

describe('memory', () => {
  let server: RunningShapeServer | undefined
  afterAll(async () => {
    await server?.close()
  })

  it('keeps all shapes under one budget, dropping the least recently read first, never one with a waiting request', async () => {
    await fixture.sql`INSERT INTO blobs SELECT g, 'owner-' || g, repeat('b', 2000) FROM generate_series(1, 20) g`
    // A second server on the same database needs its own slot and publication.
    server = await startShapeServer({
      databaseUrl: fixture.db.url,
      port: 0,
      insecure: true,
      log: silentLogger,
      slotName: `budget_${fixture.db.name}`,
      publicationName: 'budget_publication',
      longPollTimeoutMs: 20_000,
      // Room for about four one-row shapes (2.3 KB of data + 8 KiB overhead each).
      maxMemoryBytes: 45_000,
    })
    const url = `${server.url}/v1/shape`
    const open = (owner: string) => new Follower(url, { table: 'blobs', where: 'owner = $1', 'params[1]': owner })

    const watched = open('owner-1')
    await watched.catchUp()
    const held = getShape(url, {
      ...watched.query,
      handle: watched.handle,
      offset: watched.offset,
      live: 'true',
      cursor: '',
    })
    await eventually(() => (server as RunningShapeServer).diagnostics().heldRequests === 1, 'the held request')

    const followers: Follower[] = []
    for (let owner = 2; owner <= 20; owner++) {
      const follower = open(`owner-${owner}`)
      await follower.catchUp()
      followers.push(follower)
      expect(server.diagnostics().shapeBytes).toBeLessThanOrEqual(45_000)
    }
    expect(server.diagnostics().shapes).toBeLessThan(20)

    // The oldest unwatched shapes went first; the newest and the watched one are still there.
    const first = await getShape(url, {
      ...followers[0].query,
      handle: followers[0].handle,
      offset: followers[0].offset,
    })
    expect(first.status).toBe(409)
    const last = followers.at(-1) as Follower
    const newest = await getShape(url, { ...last.query, handle: last.handle, offset: last.offset })
    expect(newest.status).toBe(200)

    await fixture.sql`UPDATE blobs SET body = 'still here' WHERE id = 1`
    const answer = await held
    expect(answer.status).toBe(200)
    expect((answer.body as Item[])[0].value?.body).toBe('still here')
  })

  it('counts subquery views and held rows against the budget and releases them with the shape', async () => {
    await fixture.sql.unsafe(`
      CREATE TABLE owners (name text PRIMARY KEY, active boolean NOT NULL);
      INSERT INTO owners SELECT 'member-' || n, true FROM generate_series(1, 2000) AS n;
      CREATE TABLE posts (id int PRIMARY KEY, owner text NOT NULL);
      INSERT INTO posts SELECT n, 'member-' || (n % 2000 + 1) FROM generate_series(1, 2000) AS n;
    `)
    const before = fixture.server.diagnostics().shapeBytes
    const url = fixture.shapeUrl
    const query = { table: 'posts', where: 'owner IN (SELECT name FROM owners WHERE active)' }
    const follower = new Follower(url, query)
    await follower.catchUp()
    expect(follower.rows.size).toBe(2000)
    const withShape = fixture.server.diagnostics().shapeBytes
    // Snapshot, 2000 view entries and 2000 held rows: each entry costs more than its text.
    expect(withShape - before).toBeGreaterThan(2000 * 2 * 96)

    const deleted = await fetch(`${url}&handle=${follower.handle}`, { method: 'DELETE' })
    expect(deleted.status).toBe(202)
    expect(fixture.server.diagnostics().shapeBytes).toBe(before)
  })

  it('drops shapes nobody reads for the idle time', async () => {
    const idle = await startShapeServer({
      databaseUrl: fixture.db.url,
      port: 0,
      insecure: true,
      log: silentLogger,
      slotName: `idle_${fixture.db.name}`,
      publicationName: 'idle_publication',
      idleShapeMs: 300,
    })
    try {
      const url = `${idle.url}/v1/shape`
      const follower = new Follower(url, { table: 'blobs', where: 'owner = $1', 'params[1]': 'owner-3' })
      await follower.catchUp()
      expect(idle.diagnostics().shapes).toBe(1)
      await eventually(() => idle.diagnostics().shapes === 0, 'the idle shape to be dropped')
      expect(idle.diagnostics().shapeBytes).toBe(0)
      const later = await getShape(url, { ...follower.query, handle: follower.handle, offset: follower.offset })
      expect(later.status).toBe(409)
    } finally {
      await idle.close()
    }
  })
})
