import { isControlMessage } from '@electric-sql/client'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHAPE_SERVER_DEFAULTS, silentLogger, startShapeServer } from '../../src/index.ts'
import { byKey, getShape, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'
import { createTestDatabase } from './test-database.ts'

let fixture: ShapeServerFixture

beforeAll(async () => {
  fixture = await startFixture()
  await fixture.sql.unsafe(`
    CREATE TABLE events (id int PRIMARY KEY, body text NOT NULL);
    INSERT INTO events SELECT n, 'initial ' || n FROM generate_series(1, 20) AS n;
  `)
})

afterAll(async () => {
  await fixture?.teardown()
})

async function tableRows() {
  const rows = await fixture.sql<{ id: number; body: string }[]>`SELECT id, body FROM events ORDER BY id`
  return rows.map((row) => ({ id: row.id, body: row.body }))
}

/** Keys inserted more than once since the client last started over (must-refetch). */
function duplicateInserts(recorder: StreamRecorder): string[] {
  const lastRefetch = recorder.messages.findLastIndex(
    (message) => isControlMessage(message) && message.headers.control === 'must-refetch',
  )
  const seen = new Set<string>()
  const duplicates: string[] = []
  for (const message of recorder.messages.slice(lastRefetch + 1)) {
    if (!('key' in message) || message.headers.operation !== 'insert') continue
    if (seen.has(message.key)) duplicates.push(message.key)
    seen.add(message.key)
  }
  return duplicates
}

async function walSender() {
  return fixture.sql<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'session-coach-shape-server-replication'`
}

describe('restarts and connection loss', () => {
  it('makes clients of a restarted server refetch (409) and resync without duplicates', async () => {
    const recorder = new StreamRecorder({
      url: fixture.shapeUrl,
      params: { table: 'events' },
      backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
    })
    try {
      await recorder.upToDate()
      const handleBefore = recorder.stream.shapeHandle as string
      await fixture.sql`INSERT INTO events VALUES (100, 'before restart')`
      await recorder.waitFor(() => recorder.rows.some((row) => row.id === 100), 'the write before the restart')

      await fixture.restart()
      await fixture.sql`INSERT INTO events VALUES (101, 'while the client reconnects')`
      await fixture.sql`UPDATE events SET body = 'updated after restart' WHERE id = 1`

      const stale = await getShape(fixture.shapeUrl, { table: 'events', offset: '0_inf', handle: handleBefore })
      expect(stale.status).toBe(409)
      const expected = await tableRows()
      await recorder.waitFor(
        () => JSON.stringify(byKey(recorder.rows, (row) => Number(row.id))) === JSON.stringify(expected),
        'the resynced rows',
      )
      expect(
        recorder.messages.some((message) => isControlMessage(message) && message.headers.control === 'must-refetch'),
      ).toBe(true)
      expect(recorder.stream.shapeHandle).not.toBe(handleBefore)
      expect(stale.headers.get('electric-handle')).toBe(recorder.stream.shapeHandle)
      expect(duplicateInserts(recorder)).toEqual([])
    } finally {
      recorder.close()
    }
  })

  it('reconnects replication after the connection is killed and delivers every change exactly once', async () => {
    const recorder = new StreamRecorder({ url: fixture.shapeUrl, params: { table: 'events' } })
    try {
      await recorder.upToDate()
      const txids: number[] = []
      const write = async (id: number) => {
        const [{ txid }] = await fixture.sql<{ txid: string }[]>`
          WITH inserted AS (INSERT INTO events VALUES (${id}, 'during outage') RETURNING id)
          SELECT pg_current_xact_id()::xid::text AS txid FROM inserted`
        txids.push(Number(txid))
      }
      await write(200)
      const senders = await walSender()
      expect(senders).toHaveLength(1)
      await fixture.sql`SELECT pg_terminate_backend(${senders[0].pid})`
      for (let id = 201; id <= 210; id++) await write(id)
      await recorder.waitFor(() => recorder.rows.some((row) => row.id === 210), 'writes made during the outage')

      const [newSender] = await walSender()
      expect(newSender.pid).not.toBe(senders[0].pid)
      const received = recorder.changeMessages().flatMap((message) => message.headers.txids ?? [])
      expect(received.filter((txid) => txids.includes(txid)).sort()).toEqual([...txids].sort())
      expect(duplicateInserts(recorder)).toEqual([])
      expect(byKey(recorder.rows, (row) => Number(row.id))).toEqual(await tableRows())
    } finally {
      recorder.close()
    }
  })

  it('acknowledges WAL so the slot does not hold it back', async () => {
    await fixture.sql`INSERT INTO events VALUES (300, 'ack me')`
    const [{ lsn }] = await fixture.sql<{ lsn: string }[]>`SELECT pg_current_wal_lsn()::text AS lsn`
    const deadline = Date.now() + 15_000
    let confirmed = false
    while (!confirmed && Date.now() < deadline) {
      const [slot] = await fixture.sql<{ caught_up: boolean }[]>`
        SELECT confirmed_flush_lsn >= ${lsn}::pg_lsn AS caught_up FROM pg_replication_slots
         WHERE slot_name = ${fixture.server.slotName}`
      confirmed = slot?.caught_up === true
      if (!confirmed) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(confirmed).toBe(true)
  })

  it('bounds memory: evicts the least recently used shape and rotates shapes whose log outgrows the cap', async () => {
    await fixture.sql.unsafe('CREATE TABLE bounded (id int PRIMARY KEY, body text)')
    // A second server on the same database needs its own slot and publication.
    const server = await startShapeServer({
      databaseUrl: fixture.db.url,
      port: 0,
      insecure: true,
      log: silentLogger,
      slotName: `bounded_${fixture.db.name}`,
      publicationName: 'bounded_publication',
      maxShapes: 2,
      maxLogBytesPerShape: 2_000,
    })
    const url = `${server.url}/v1/shape`
    try {
      const open = async (where: string) => {
        const response = await getShape(url, { table: 'bounded', offset: '-1', where })
        return response.headers.get('electric-handle') as string
      }
      const first = await open('id > 0')
      const second = await open('id > 1')
      await getShape(url, { table: 'bounded', offset: '0_0', handle: second, where: 'id > 1' })
      await open('id > 2')
      expect(server.diagnostics().shapes).toBe(2)
      const evicted = await getShape(url, { table: 'bounded', offset: '0_0', handle: first, where: 'id > 0' })
      expect(evicted.status).toBe(409)

      const capped = await open('id < 1000')
      for (let id = 1; id <= 30; id++) await fixture.sql`INSERT INTO bounded VALUES (${id}, repeat('z', 100))`
      let status = 200
      for (let attempt = 0; attempt < 100 && status === 200; attempt++) {
        status = (await getShape(url, { table: 'bounded', offset: '0_0', handle: capped, where: 'id < 1000' })).status
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(status).toBe(409)
    } finally {
      await server.close()
    }
  })

  it('reuses a slot left by a crash and drops its slot on a clean shutdown', async () => {
    const db = await createTestDatabase()
    const sql = postgres(db.url, { max: 1, onnotice: () => {} })
    const slotName = `session_coach_shapes_${db.name}`
    try {
      // What a crashed server leaves behind: its slot and its publication.
      await sql`SELECT pg_create_logical_replication_slot(${slotName}, 'pgoutput')`
      await sql.unsafe(`CREATE PUBLICATION ${SHAPE_SERVER_DEFAULTS.publicationName}`)
      await sql.unsafe('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)')
      const server = await startShapeServer({ databaseUrl: db.url, port: 0, insecure: true, log: silentLogger })
      try {
        expect(server.slotName).toBe(slotName)
        const first = await getShape(`${server.url}/v1/shape`, { table: 't', offset: '-1' })
        expect(first.status).toBe(200)
        expect((first.body as unknown[]).length).toBe(2)
        const handle = first.headers.get('electric-handle') as string
        const held = getShape(`${server.url}/v1/shape`, {
          table: 't',
          offset: '0_inf',
          handle,
          live: 'true',
          cursor: '',
        })
        await sql`INSERT INTO t VALUES (2)`
        const live = await held
        expect((live.body as Array<{ key?: string }>)[0].key).toBe('"public"."t"/"2"')
        const slots = await sql`SELECT 1 FROM pg_replication_slots WHERE slot_name = ${slotName}`
        expect(slots).toHaveLength(1)
      } finally {
        await server.close()
      }
      const after = await sql`SELECT 1 FROM pg_replication_slots WHERE slot_name = ${slotName}`
      expect(after).toHaveLength(0)
      const publication =
        await sql`SELECT 1 FROM pg_publication_tables WHERE pubname = ${SHAPE_SERVER_DEFAULTS.publicationName} AND tablename = 't'`
      expect(publication).toHaveLength(1)
    } finally {
      await sql.end()
      await db.drop()
    }
  })
})
