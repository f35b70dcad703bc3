import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isControlMessage } from '@electric-sql/client'
import postgres from 'postgres'
import { afterEach, describe, expect, it } from 'vitest'
import { byKey, getShape, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

/**
 * Shapes kept on disk (`storageDir` / ELECTRIC_STORAGE_DIR): a restarted server — stopped cleanly
 * or killed — serves the handles its clients hold from where they left off, and falls back to a
 * 409 whenever it cannot prove a stored log complete.
 */

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function storageDir() {
  const dir = await mkdtemp(join(tmpdir(), 'shape-store-test-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function fixtureWithStorage(dir: string) {
  const fixture = await startFixture({ storageDir: dir })
  cleanups.push(() => fixture.teardown())
  return fixture
}

function follow(url: string, table: string) {
  const recorder = new StreamRecorder({
    url,
    params: { table },
    backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
  })
  cleanups.push(async () => recorder.close())
  return recorder
}

function refetches(recorder: StreamRecorder) {
  return recorder.messages.filter((message) => isControlMessage(message) && message.headers.control === 'must-refetch')
}

async function insertWithTxid(sql: postgres.Sql, table: string, id: number, body: string): Promise<number> {
  const [{ txid }] = await sql.unsafe<{ txid: string }[]>(
    `WITH inserted AS (INSERT INTO ${table} VALUES ($1, $2) RETURNING id)
     SELECT pg_current_xact_id()::xid::text AS txid FROM inserted`,
    [id, body],
  )
  return Number(txid)
}

/** How often each txid arrived in a change message. */
function deliveries(recorder: StreamRecorder, txids: number[]) {
  const received = recorder.changeMessages().flatMap((message) => message.headers.txids ?? [])
  return txids.map((txid) => received.filter((seen) => seen === txid).length)
}

async function tableRows(sql: postgres.Sql, table: string) {
  const rows = await sql.unsafe<{ id: number; body: string }[]>(`SELECT id, body FROM ${table} ORDER BY id`)
  return rows.map((row) => ({ id: row.id, body: row.body }))
}

function rowsMatch(recorder: StreamRecorder, expected: Array<{ id: number; body: string }>) {
  const actual = byKey(recorder.rows, (row) => Number(row.id)).map((row) => ({ id: row.id, body: row.body }))
  return JSON.stringify(actual) === JSON.stringify(expected)
}

describe('a restarted server with stored shapes', () => {
  it('resumes a client after a clean stop: changes made while it was down arrive once, no 409', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`
      CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO notes SELECT n, 'initial ' || n FROM generate_series(1, 10) AS n;
    `)
    const recorder = follow(fixture.shapeUrl, 'notes')
    await recorder.upToDate()
    const handle = recorder.stream.shapeHandle
    const before = await insertWithTxid(fixture.sql, 'notes', 100, 'before the stop')
    await recorder.waitFor(() => recorder.rows.some((row) => row.id === 100), 'the write before the stop')

    const whileDown: number[] = []
    await fixture.restart({}, async () => {
      for (let id = 101; id <= 105; id++) whileDown.push(await insertWithTxid(fixture.sql, 'notes', id, 'while down'))
      await fixture.sql`UPDATE notes SET body = 'updated while down' WHERE id = 1`
      await fixture.sql`DELETE FROM notes WHERE id = 2`
    })
    expect(fixture.server.restoredShapes).toBe(1)
    const after = await insertWithTxid(fixture.sql, 'notes', 106, 'after the restart')

    const expected = await tableRows(fixture.sql, 'notes')
    await recorder.waitFor(() => rowsMatch(recorder, expected), 'the changes made while the server was down')
    expect(refetches(recorder)).toEqual([])
    expect(recorder.stream.shapeHandle).toBe(handle)
    expect(deliveries(recorder, [before, ...whileDown, after])).toEqual([1, 1, 1, 1, 1, 1, 1])

    // The stored rows are private to the server's user, like Postgres' data directory.
    const shapeDir = join(dir, 'shapes', handle as string)
    expect((await stat(shapeDir)).mode & 0o077).toBe(0)
    expect((await stat(join(shapeDir, 'log.jsonl'))).mode & 0o077).toBe(0)

    // A new client of the same definition gets the same handle and the same rows.
    const fresh = await getShape(fixture.shapeUrl, { table: 'notes', offset: '-1' })
    expect(fresh.headers.get('electric-handle')).toBe(handle)
  })

  it('resumes a client after kill -9, replaying what the last checkpoint did not cover', async () => {
    const dir = await storageDir()
    const db = await createTestDatabase()
    const sql = postgres(db.url, { max: 2, onnotice: () => {} })
    cleanups.push(async () => {
      await sql.end()
      await db.drop()
    })
    await sql.unsafe(`
      CREATE TABLE tasks (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO tasks SELECT n, 'initial ' || n FROM generate_series(1, 10) AS n;
    `)
    const server = await spawnedServer(db, sql, dir)
    const recorder = follow(server.shapeUrl, 'tasks')
    await recorder.upToDate()
    const handle = recorder.stream.shapeHandle
    // A shape younger than the first checkpoint that lists it is not restored (its clients refetch).
    await eventually(async () => (await listedHandles(dir)).includes(handle as string), 'the shape in a checkpoint')
    // Served just before the kill, so probably after the last checkpoint: the slot sends them again
    // and the client, which already has them, must not get them twice.
    const beforeKill: number[] = []
    for (let id = 100; id <= 104; id++) beforeKill.push(await insertWithTxid(sql, 'tasks', id, 'before the kill'))
    await recorder.waitFor(() => recorder.rows.some((row) => row.id === 104), 'the writes before the kill')

    await server.kill()
    const whileDown: number[] = []
    for (let id = 105; id <= 109; id++) whileDown.push(await insertWithTxid(sql, 'tasks', id, 'while killed'))
    await server.start()

    const expected = await tableRows(sql, 'tasks')
    await recorder.waitFor(() => rowsMatch(recorder, expected), 'the changes made around the kill')
    expect(refetches(recorder)).toEqual([])
    expect(recorder.stream.shapeHandle).toBe(handle)
    expect(deliveries(recorder, [...beforeKill, ...whileDown])).toEqual(Array(10).fill(1))
  })

  it('drops a shape whose files are damaged (its clients get a 409) and keeps the intact ones', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`
      CREATE TABLE items (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO items SELECT n, 'item ' || n FROM generate_series(1, 6) AS n;
    `)
    const open = async (where: string) => {
      const response = await getShape(fixture.shapeUrl, { table: 'items', offset: '-1', where })
      expect(response.status).toBe(200)
      return response.headers.get('electric-handle') as string
    }
    const damagedMeta = await open('id <= 2')
    const damagedLog = await open('id > 4')
    const intact = await open('id = 3')
    await fixture.sql`INSERT INTO items VALUES (7, 'logged')`
    await waitForLogEntry(fixture, damagedLog, 'id > 4')

    await fixture.restart({}, async () => {
      await writeFile(join(dir, 'shapes', damagedMeta, 'meta.json'), '{"version":')
      const logPath = join(dir, 'shapes', damagedLog, 'log.jsonl')
      await writeFile(logPath, `garbage without an offset\n${await readFile(logPath, 'utf8')}`)
    })
    expect(fixture.server.restoredShapes).toBe(1)
    for (const [handle, where] of [
      [damagedMeta, 'id <= 2'],
      [damagedLog, 'id > 4'],
    ]) {
      const stale = await getShape(fixture.shapeUrl, { table: 'items', offset: '0_inf', handle, where })
      expect(stale.status).toBe(409)
      expect(stale.headers.get('electric-handle')).not.toBe(handle)
    }
    const kept = await getShape(fixture.shapeUrl, { table: 'items', offset: '0_inf', handle: intact, where: 'id = 3' })
    expect(kept.status).toBe(200)
    expect((await getShape(fixture.shapeUrl.replace('/v1/shape', '/v1/health'), {})).status).toBe(200)
  })

  it('answers 409 for every stored handle when the slot is gone, the checkpoint is damaged, or the table changed or was truncated', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`
      CREATE TABLE rows_a (id int PRIMARY KEY, body text NOT NULL);
      INSERT INTO rows_a VALUES (1, 'one');
    `)
    const first = await getShape(fixture.shapeUrl, { table: 'rows_a', offset: '-1' })
    let handle = first.headers.get('electric-handle') as string
    /** The old handle gets 409; the new one it names serves a fresh snapshot. */
    const refetched = async (expectedRestored: number) => {
      expect(fixture.server.restoredShapes).toBe(expectedRestored)
      const stale = await getShape(fixture.shapeUrl, { table: 'rows_a', offset: '0_inf', handle })
      expect(stale.status).toBe(409)
      handle = stale.headers.get('electric-handle') as string
      return getShape(fixture.shapeUrl, { table: 'rows_a', offset: '-1', handle })
    }

    // The slot dropped while the server was down: what was committed meanwhile is unknown.
    await fixture.restart({}, async () => {
      await dropSlotOnceReleased(fixture.sql, fixture.server.slotName)
      await fixture.sql`INSERT INTO rows_a VALUES (2, 'missed by the dropped slot')`
    })
    const resynced = await refetched(0)
    expect(JSON.stringify(resynced.body)).toContain('missed by the dropped slot')

    // A damaged checkpoint: nothing stored can be trusted.
    await fixture.restart({}, async () => {
      await writeFile(join(dir, 'checkpoint.json'), '{"version":1,"lsn":"nope"}')
    })
    await refetched(0)

    // The table altered while the server was down.
    await fixture.restart({}, async () => {
      await fixture.sql`ALTER TABLE rows_a ADD COLUMN extra text`
    })
    await refetched(0)

    // Truncated while down: the shape is restored, then the replayed TRUNCATE rotates it before
    // the server answers anyone.
    await fixture.restart({}, async () => {
      await fixture.sql`TRUNCATE rows_a`
    })
    await refetched(1)
  })
})

async function listedHandles(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, 'checkpoint.json'), 'utf8').catch(() => '{"shapes":[]}')
  return (JSON.parse(text) as { shapes: Array<{ handle: string }> }).shapes.map((shape) => shape.handle)
}

/** Polls an asynchronous condition (state on disk or in Postgres) until it holds. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The walsender of a stopped server may take a moment to exit and release the slot. */
async function dropSlotOnceReleased(sql: postgres.Sql, slotName: string) {
  await eventually(async () => {
    const [slot] = await sql<
      { active: boolean }[]
    >`SELECT active FROM pg_replication_slots WHERE slot_name = ${slotName}`
    return slot?.active === false
  }, 'the slot to be released')
  await sql`SELECT pg_drop_replication_slot(${slotName})`
}

describe('shapes that are not stored', () => {
  it('answers 409 for a subquery shape after a restart, and keeps the plain shape beside it', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`
      CREATE TABLE projects (id int PRIMARY KEY, active boolean NOT NULL);
      CREATE TABLE tickets (id int PRIMARY KEY, project_id int NOT NULL);
      INSERT INTO projects VALUES (1, true), (2, false);
      INSERT INTO tickets VALUES (1, 1), (2, 2);
    `)
    const where = 'project_id IN (SELECT id FROM projects WHERE active)'
    const subquery = await getShape(fixture.shapeUrl, { table: 'tickets', offset: '-1', where })
    expect(subquery.status).toBe(200)
    const plain = await getShape(fixture.shapeUrl, { table: 'tickets', offset: '-1' })
    await fixture.restart()
    expect(fixture.server.restoredShapes).toBe(1)
    const stale = await getShape(fixture.shapeUrl, {
      table: 'tickets',
      offset: '0_inf',
      where,
      handle: subquery.headers.get('electric-handle') as string,
    })
    expect(stale.status).toBe(409)
    const kept = await getShape(fixture.shapeUrl, {
      table: 'tickets',
      offset: '0_inf',
      handle: plain.headers.get('electric-handle') as string,
    })
    expect(kept.status).toBe(200)
  })
})

describe('stored shapes and the memory bounds', () => {
  it('removes an evicted shape from disk as well', async () => {
    const dir = await storageDir()
    const fixture = await startFixture({ storageDir: dir, maxShapes: 1 })
    cleanups.push(() => fixture.teardown())
    await fixture.sql.unsafe(`CREATE TABLE evicted (id int PRIMARY KEY); INSERT INTO evicted VALUES (1), (2)`)
    const first = await getShape(fixture.shapeUrl, { table: 'evicted', offset: '-1', where: 'id = 1' })
    const handle = first.headers.get('electric-handle') as string
    await eventually(async () => (await listedHandles(dir)).includes(handle), 'the first shape on disk')
    await getShape(fixture.shapeUrl, { table: 'evicted', offset: '-1', where: 'id = 2' })
    await eventually(
      async () => !(await listedHandles(dir)).includes(handle) && !existsSync(join(dir, 'shapes', handle)),
      'the evicted shape to leave the disk',
    )
  })
})

/** Waits until the shape's log has an entry after the snapshot (so the log file is not empty). */
async function waitForLogEntry(fixture: ShapeServerFixture, handle: string, where: string) {
  const response = await getShape(fixture.shapeUrl, { table: 'items', offset: '0_inf', handle, where, live: 'true' })
  expect(response.status).toBe(200)
  expect(JSON.stringify(response.body)).toContain('"operation":"insert"')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The shape server's installed command as a child process that can be killed with SIGKILL. */
async function spawnedServer(db: TestDatabase, sql: postgres.Sql, dir: string) {
  const port = await freePort()
  const bin = fileURLToPath(new URL('../../bin/shape-server.mjs', import.meta.url))
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | undefined
  const server = {
    shapeUrl: `${url}/v1/shape`,
    async start() {
      const started = spawn(process.execPath, [bin, '--insecure'], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          ELECTRIC_PORT: String(port),
          ELECTRIC_STORAGE_DIR: dir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      child = started
      const deadline = Date.now() + 60_000
      for (;;) {
        if (started.exitCode !== null) throw new Error(`The shape server exited with ${started.exitCode}`)
        const status = await fetch(`${url}/v1/health`).then(
          (response) => response.status,
          () => 0,
        )
        if (status === 200) return
        if (Date.now() > deadline) throw new Error('The shape server did not become healthy within 60 s')
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async kill() {
      const running = child
      if (!running || running.exitCode !== null) return
      const exited = new Promise((resolve) => running.once('exit', resolve))
      running.kill('SIGKILL')
      await exited
      // Postgres ends the walsender once it notices the closed socket.
      await eventually(async () => {
        const [{ active }] = await sql<{ active: number }[]>`
          SELECT count(*)::int AS active FROM pg_replication_slots WHERE database = current_database() AND active`
        return active === 0
      }, "the killed server's walsender to exit")
    },
  }
  cleanups.push(() => server.kill())
  await server.start()
  return server
}
