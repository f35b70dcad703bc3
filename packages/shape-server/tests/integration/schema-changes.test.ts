import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, getShape, type ShapeServerFixture, startFixture } from './support.ts'

let fixture: ShapeServerFixture
type Item = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }

beforeAll(async () => {
  // Live requests are held far longer than a test waits: an answer can only come from the change.
  fixture = await startFixture({ longPollTimeoutMs: 20_000, schemaCheckIntervalMs: 100 })
})

afterAll(async () => {
  await fixture?.teardown()
})

const doesNotExist = (table: string) => ({
  message: 'Invalid request',
  errors: {
    table: [
      `Table "public"."${table}" does not exist. If the table name contains capitals or special characters you must quote it.`,
    ],
  },
})

async function createTable(name: string) {
  await fixture.sql.unsafe(
    `CREATE TABLE ${name} (id int PRIMARY KEY, note text); INSERT INTO ${name} VALUES (1, 'one'), (2, 'two')`,
  )
}

/** Syncs a shape to its tip; returns what a live request needs. */
async function caughtUp(query: Record<string, string>) {
  const first = await getShape(fixture.shapeUrl, { ...query, offset: '-1' })
  expect(first.status).toBe(200)
  const handle = first.headers.get('electric-handle') as string
  const tip = await getShape(fixture.shapeUrl, { ...query, offset: '0_0', handle })
  return { handle, offset: tip.headers.get('electric-offset') as string }
}

/**
 * Runs `change` while a new shape's snapshot on `table` waits for the table lock: the request
 * starts, blocks on an ACCESS EXCLUSIVE lock held by `change`'s transaction, and meets the change.
 */
async function duringSnapshot(table: string, query: Record<string, string>, change: string) {
  const locker = postgres(fixture.db.url, { max: 1, onnotice: () => {} })
  try {
    let release: () => void = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    let locked: () => void = () => {}
    const lockHeld = new Promise<void>((resolve) => {
      locked = resolve
    })
    const transaction = locker.begin(async (sql) => {
      await sql.unsafe(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`)
      locked()
      await released
      await sql.unsafe(change)
    })
    await lockHeld
    const response = getShape(fixture.shapeUrl, { ...query, offset: '-1' })
    await waitForLockWaiter(table)
    release()
    await transaction
    return await response
  } finally {
    await locker.end()
  }
}

async function waitForLockWaiter(table: string) {
  const deadline = Date.now() + 15_000
  for (;;) {
    const [{ waiting }] = await fixture.sql<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
       WHERE c.relname = ${table} AND NOT l.granted`
    if (waiting > 0) return
    if (Date.now() > deadline) throw new Error(`No request waited for the lock on ${table}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('schema changes under shapes', () => {
  it('answers 400 (not 500) when the table is dropped while the snapshot waits for it', async () => {
    await createTable('dropped_early')
    // Another shape on the table first, so publishing it does not take the lock the test holds.
    await caughtUp({ table: 'dropped_early', where: 'id > 0' })
    const response = await duringSnapshot('dropped_early', { table: 'dropped_early' }, 'DROP TABLE dropped_early')
    expect(response.status).toBe(400)
    expect(response.body).toEqual(doesNotExist('dropped_early'))
  })

  it('serves a fresh shape when a column is dropped while the snapshot waits', async () => {
    await createTable('altered_early')
    await caughtUp({ table: 'altered_early', where: 'id > 0' })
    const response = await duringSnapshot(
      'altered_early',
      { table: 'altered_early' },
      'ALTER TABLE altered_early DROP COLUMN note',
    )
    expect(response.status).toBe(200)
    const rows = (response.body as Item[]).filter((item) => item.value).map((item) => item.value)
    expect(rows).toEqual([{ id: '1' }, { id: '2' }])
    expect(JSON.parse(response.headers.get('electric-schema') as string)).toEqual({
      id: { type: 'int4', pk_index: 0, not_null: true },
    })
  })

  it('answers a held live request with 400 once its table is dropped, and releases the shapes', async () => {
    await createTable('dropped_live')
    const { handle, offset } = await caughtUp({ table: 'dropped_live' })
    const before = fixture.server.diagnostics().shapes
    const held = getShape(fixture.shapeUrl, { table: 'dropped_live', handle, offset, live: 'true', cursor: '' })
    await eventually(() => fixture.server.diagnostics().heldRequests > 0, 'the held request')
    await fixture.sql.unsafe('DROP TABLE dropped_live')
    const answer = await held
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual(doesNotExist('dropped_live'))
    // At least this shape is gone; the periodic catalog check may release shapes of tables the
    // earlier tests altered in the same round, so the count can drop by more than one.
    expect(fixture.server.diagnostics().shapes).toBeLessThanOrEqual(before - 1)

    const again = await getShape(fixture.shapeUrl, { table: 'dropped_live', handle, offset })
    expect(again.status).toBe(400)
  })

  it('makes a held live request refetch (409) when its table is altered without any row change', async () => {
    await createTable('altered_live')
    const { handle, offset } = await caughtUp({ table: 'altered_live' })
    const held = getShape(fixture.shapeUrl, { table: 'altered_live', handle, offset, live: 'true', cursor: '' })
    await eventually(() => fixture.server.diagnostics().heldRequests > 0, 'the held request')
    await fixture.sql.unsafe('ALTER TABLE altered_live ADD COLUMN rank int')
    const answer = await held
    expect(answer.status).toBe(409)
    const fresh = answer.headers.get('electric-handle') as string
    expect(fresh).not.toBe(handle)
    const refetched = await getShape(fixture.shapeUrl, { table: 'altered_live', offset: '-1', handle: fresh })
    expect(refetched.headers.get('electric-handle')).toBe(fresh)
    expect(Object.keys(JSON.parse(refetched.headers.get('electric-schema') as string))).toEqual(['id', 'note', 'rank'])
  })

  it('ends an event stream with must-refetch when its table is renamed; the old name is then a 400', async () => {
    await createTable('renamed_live')
    const { handle, offset } = await caughtUp({ table: 'renamed_live' })
    const stream = await fetch(
      `${fixture.shapeUrl}&${new URLSearchParams({ table: 'renamed_live', handle, offset, live: 'true', live_sse: 'true' })}`,
    )
    expect(stream.status).toBe(200)
    const reading = stream.text()
    await fixture.sql.unsafe('ALTER TABLE renamed_live RENAME TO renamed_now')
    expect(await reading).toBe('data: {"headers":{"control":"must-refetch"}}\n\n')
    const next = await getShape(fixture.shapeUrl, { table: 'renamed_live', handle, offset, live: 'true' })
    expect(next.status).toBe(400)
    expect(next.body).toEqual(doesNotExist('renamed_live'))
  })
})
