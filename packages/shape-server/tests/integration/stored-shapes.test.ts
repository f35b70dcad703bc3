import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isControlMessage } from '@electric-sql/client'
import postgres from 'postgres'
import { afterEach, describe, expect, it } from 'vitest'
import { byKey, getShape, type ShapeServerFixture, StreamRecorder, startFixture } from './support.ts'
import { events, materialise } from './tagged-rows.ts'
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

/**
 * After a restart that must not keep `shape` at `handle`: the server restored `restored` shapes,
 * the old handle gets 409, and the handle that names serves a fresh snapshot.
 */
async function expectRefetch(
  fixture: Awaited<ReturnType<typeof fixtureWithStorage>>,
  shape: Record<string, string>,
  handle: string,
  restored: number,
) {
  expect(fixture.server.restoredShapes).toBe(restored)
  const stale = await getShape(fixture.shapeUrl, { ...shape, offset: '0_inf', handle })
  expect(stale.status).toBe(409)
  const newHandle = stale.headers.get('electric-handle') as string
  const resynced = await getShape(fixture.shapeUrl, { ...shape, offset: '-1', handle: newHandle })
  expect(resynced.status).toBe(200)
  return { handle: newHandle, resynced }
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
    const refetched = async (restored: number) => {
      const refetch = await expectRefetch(fixture, { table: 'rows_a' }, handle, restored)
      handle = refetch.handle
      return refetch.resynced
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

describe('stored subquery shapes', () => {
  const projectsAndTickets = `
    CREATE TABLE projects (id int PRIMARY KEY, active boolean NOT NULL);
    CREATE TABLE tickets (id int PRIMARY KEY, project_id int NOT NULL, title text NOT NULL);
    INSERT INTO projects VALUES (1, true), (2, false), (3, true);
    INSERT INTO tickets SELECT n, 1 + n % 3, 'ticket ' || n FROM generate_series(1, 9) AS n;
  `
  const activeProjects = 'project_id IN (SELECT id FROM projects WHERE active)'
  const inactiveProjects = 'project_id NOT IN (SELECT id FROM projects WHERE active)'

  it('resumes IN and NOT IN shapes after a clean stop: moves caused while down arrive once, no 409', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(projectsAndTickets)
    const inShape = followWhere(fixture.shapeUrl, 'tickets', activeProjects)
    const notInShape = followWhere(fixture.shapeUrl, 'tickets', inactiveProjects)
    await Promise.all([inShape.upToDate(), notInShape.upToDate()])
    const handles = [inShape.stream.shapeHandle, notInShape.stream.shapeHandle]
    // A move while running, so the stored sets and held rows are not the snapshot's.
    await fixture.sql`UPDATE projects SET active = false WHERE id = 3`
    await converged(fixture.sql, inShape, activeProjects, 'the live move-out')
    await converged(fixture.sql, notInShape, inactiveProjects, 'the live move-in')
    const before = [inShape.messages.length, notInShape.messages.length]

    await fixture.restart({}, async () => {
      await fixture.sql`UPDATE projects SET active = true WHERE id = 2`
      await fixture.sql`UPDATE projects SET active = false WHERE id = 1`
      // Read by the replayed move-in of project 2 already; must not arrive a second time.
      await fixture.sql`INSERT INTO tickets VALUES (20, 2, 'written while down')`
      await fixture.sql`DELETE FROM tickets WHERE id = 5`
      await fixture.sql`UPDATE tickets SET title = 'renamed while down' WHERE id = 2`
    })
    expect(fixture.server.restoredShapes).toBe(2)

    await converged(fixture.sql, inShape, activeProjects, 'the moves made while the server was down')
    await converged(fixture.sql, notInShape, inactiveProjects, 'the NOT IN moves made while the server was down')
    expect([inShape.stream.shapeHandle, notInShape.stream.shapeHandle]).toEqual(handles)
    expect([...refetches(inShape), ...refetches(notInShape)]).toEqual([])
    // In commit order: project 2 entered the set, then project 1 left it (NOT IN: the other way).
    const eventsAfter = (recorder: StreamRecorder, from: number) =>
      events(recorder.messages.slice(from)).map((event) => event.headers.event)
    expect(eventsAfter(inShape, before[0])).toEqual(['move-in', 'move-out'])
    expect(eventsAfter(notInShape, before[1])).toEqual(['move-out', 'move-in'])
    expect(inserts(inShape.messages.slice(before[0]), '20')).toBe(1)

    // What a new client of each shape reads (snapshot and log) ends the same.
    for (const [where, handle] of [
      [activeProjects, handles[0]],
      [inactiveProjects, handles[1]],
    ] as const) {
      const fresh = followWhere(fixture.shapeUrl, 'tickets', where)
      await converged(fixture.sql, fresh, where, 'a new client')
      expect(fresh.stream.shapeHandle).toBe(handle)
    }

    // The sets and held rows are private to the server's user, like the rest. Looked at once the
    // server has stopped: while it runs, every checkpoint after a change writes the next state file
    // and then deletes the one before, so a file just listed may be gone by the time it is read.
    await fixture.server.close()
    for (const handle of handles as string[]) {
      const files = await subqueryStateFiles(dir, handle)
      expect(files).toEqual([await checkpointedStateFile(dir, handle)])
      for (const file of files) expect((await stat(join(dir, 'shapes', handle, file))).mode & 0o077).toBe(0)
    }
  })

  it('resumes a subquery shape after kill -9: a move served before the kill is not read again', async () => {
    const dir = await storageDir()
    const db = await createTestDatabase()
    const sql = postgres(db.url, { max: 2, onnotice: () => {} })
    cleanups.push(async () => {
      await sql.end()
      await db.drop()
    })
    await sql.unsafe(projectsAndTickets)
    const server = await spawnedServer(db, sql, dir)
    const recorder = followWhere(server.shapeUrl, 'tickets', activeProjects)
    await recorder.upToDate()
    const handle = recorder.stream.shapeHandle as string
    await eventually(async () => (await listedHandles(dir)).includes(handle), 'the shape in a checkpoint')
    // Served just before the kill: a move-in is served only once it is on disk, so the restarted
    // server does not read its rows again (at a later state) behind the client's back.
    await sql`UPDATE projects SET active = true WHERE id = 2`
    await sql`INSERT INTO tickets VALUES (20, 2, 'before the kill')`
    await converged(sql, recorder, activeProjects, 'the move-in before the kill')

    await server.kill()
    // Rows the client got from that move-in: had the restarted server read the move-in again
    // (now, without them), it would not know the client holds them and never send the deletes.
    await sql`DELETE FROM tickets WHERE id IN (4, 20)`
    await sql`UPDATE tickets SET title = 'renamed while killed' WHERE id = 7`
    await sql`UPDATE projects SET active = false WHERE id = 1`
    await sql`INSERT INTO tickets VALUES (21, 2, 'while killed')`
    await server.start()

    await converged(sql, recorder, activeProjects, 'the changes made around the kill')
    expect(refetches(recorder)).toEqual([])
    expect(recorder.stream.shapeHandle).toBe(handle)
    for (const key of ['1', '7', '20', '21']) expect(inserts(recorder.messages, key)).toBe(1)
    const fresh = followWhere(server.shapeUrl, 'tickets', activeProjects)
    await converged(sql, fresh, activeProjects, 'a new client after the kill')
    expect(fresh.stream.shapeHandle).toBe(handle)
  })

  it('wakes event-stream clients when a held move is on disk', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(projectsAndTickets)
    // One stream stays open for the whole test (60 s SSE timeout): each move must reach it when
    // the checkpoint releases it, not with the next reconnection.
    const recorder = new StreamRecorder({
      url: fixture.shapeUrl,
      params: { table: 'tickets', where: activeProjects },
      liveSse: true,
      backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
    })
    cleanups.push(async () => recorder.close())
    await recorder.upToDate()
    for (let round = 0; round < 4; round++) {
      await fixture.sql`UPDATE projects SET active = NOT active WHERE id = ${1 + (round % 3)}`
      await converged(fixture.sql, recorder, activeProjects, `move ${round} over server-sent events`)
    }
    expect(refetches(recorder)).toEqual([])
  })

  it('resumes a nested subquery with params through changes of the middle and inner tables', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`
      CREATE TABLE teams (id int PRIMARY KEY, active boolean NOT NULL);
      CREATE TABLE projects (id int PRIMARY KEY, owner text NOT NULL, team_id int NOT NULL);
      CREATE TABLE issues (id int PRIMARY KEY, project_id int NOT NULL, title text NOT NULL);
      INSERT INTO teams VALUES (1, true), (2, false);
      INSERT INTO projects VALUES (1, 'ada', 1), (2, 'ada', 2), (3, 'bob', 1);
      INSERT INTO issues SELECT n, 1 + n % 3, 'issue ' || n FROM generate_series(1, 9) AS n;
    `)
    const where =
      'project_id IN (SELECT id FROM projects WHERE owner = $1 AND team_id IN (SELECT id FROM teams WHERE active = $2))'
    const params = { '1': 'ada', '2': 'true' }
    const truth = `project_id IN (SELECT id FROM projects WHERE owner = 'ada' AND team_id IN (SELECT id FROM teams WHERE active))`
    const recorder = followWhere(fixture.shapeUrl, 'issues', where, params)
    await converged(fixture.sql, recorder, truth, 'the snapshot', 'issues')
    const handle = recorder.stream.shapeHandle
    const before = recorder.messages.length

    await fixture.restart({}, async () => {
      await fixture.sql`UPDATE teams SET active = true WHERE id = 2`
      await fixture.sql`UPDATE projects SET owner = 'ada' WHERE id = 3`
      await fixture.sql`UPDATE teams SET active = false WHERE id = 1`
      await fixture.sql`INSERT INTO issues VALUES (20, 2, 'written while down')`
    })
    expect(fixture.server.restoredShapes).toBe(1)

    await converged(fixture.sql, recorder, truth, 'the nested moves made while down', 'issues')
    expect(recorder.stream.shapeHandle).toBe(handle)
    expect(refetches(recorder)).toEqual([])
    const moved = events(recorder.messages.slice(before)).map((event) => event.headers.event)
    expect(moved).toContain('move-in')
    expect(moved).toContain('move-out')
    expect(inserts(recorder.messages, '20')).toBe(1)
    const fresh = followWhere(fixture.shapeUrl, 'issues', where, params)
    await converged(fixture.sql, fresh, truth, 'a new client', 'issues')
    expect(fresh.stream.shapeHandle).toBe(handle)
  })

  it('answers 409 for a subquery shape whose state file is damaged, and keeps the plain shape beside it', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(projectsAndTickets)
    const subquery = await getShape(fixture.shapeUrl, { table: 'tickets', offset: '-1', where: activeProjects })
    const subqueryHandle = subquery.headers.get('electric-handle') as string
    const plain = await getShape(fixture.shapeUrl, { table: 'tickets', offset: '-1' })
    await fixture.restart({}, async () => {
      const [file] = await subqueryStateFiles(dir, subqueryHandle)
      const path = join(dir, 'shapes', subqueryHandle, file)
      // Still valid JSON of the right form, but not what was written: only the checksum tells.
      await writeFile(path, (await readFile(path, 'utf8')).replace('true', 'false'))
    })
    expect(fixture.server.restoredShapes).toBe(1)
    const stale = await getShape(fixture.shapeUrl, {
      table: 'tickets',
      offset: '0_inf',
      where: activeProjects,
      handle: subqueryHandle,
    })
    expect(stale.status).toBe(409)
    const kept = await getShape(fixture.shapeUrl, {
      table: 'tickets',
      offset: '0_inf',
      handle: plain.headers.get('electric-handle') as string,
    })
    expect(kept.status).toBe(200)
  })

  it('answers 409 when a table a subquery reads was altered or truncated while the server was down', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(projectsAndTickets)
    let handle = (
      await getShape(fixture.shapeUrl, { table: 'tickets', offset: '-1', where: activeProjects })
    ).headers.get('electric-handle') as string
    const refetched = async (restored: number) => {
      handle = (await expectRefetch(fixture, { table: 'tickets', where: activeProjects }, handle, restored)).handle
    }

    await fixture.restart({}, async () => {
      await fixture.sql`ALTER TABLE projects ADD COLUMN extra text`
    })
    await refetched(0)

    // Restored, then the replayed TRUNCATE of the inner table rotates it before anyone is answered.
    await fixture.restart({}, async () => {
      await fixture.sql`TRUNCATE projects`
    })
    await refetched(1)
  })
})

function followWhere(url: string, table: string, where: string, params?: Record<string, string>) {
  const recorder = new StreamRecorder({
    url,
    params: { table, where, ...(params && { params }) },
    backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
  })
  cleanups.push(async () => recorder.close())
  return recorder
}

/** Waits until the rows the client holds (following tags and moves) are what `where` selects now. */
async function converged(sql: postgres.Sql, recorder: StreamRecorder, where: string, what: string, table = 'tickets') {
  const expected = await sql.unsafe<{ id: number; title: string }[]>(
    `SELECT id, title FROM ${table} WHERE ${where} ORDER BY id`,
  )
  const wanted = JSON.stringify(expected.map((row) => [String(row.id), row.title]))
  const held = () =>
    JSON.stringify(
      [...materialise(recorder.messages).values()]
        .map((row) => [String(row.value.id), row.value.title])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
    )
  await recorder.waitFor(() => held() === wanted, `${what} (expected ${wanted})`)
}

/** How many inserts of the row with this id the messages hold. */
function inserts(messages: StreamRecorder['messages'], id: string) {
  return messages.filter(
    (message) => 'key' in message && message.headers.operation === 'insert' && String(message.value.id) === id,
  ).length
}

/** The subquery state file `checkpoint.json` names for the shape. */
async function checkpointedStateFile(dir: string, handle: string) {
  const checkpoint = JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8')) as {
    shapes: Array<{ handle: string; subqueryState?: { generation: number } }>
  }
  const generation = checkpoint.shapes.find((shape) => shape.handle === handle)?.subqueryState?.generation
  expect(generation).toBeDefined()
  return `subquery-state-${generation}.json`
}

/** The shape's subquery state files: the one the checkpoint names (and the next, while one is written). */
async function subqueryStateFiles(dir: string, handle: string) {
  const files = (await readdir(join(dir, 'shapes', handle))).filter((name) => name.startsWith('subquery-state-'))
  expect(files.length).toBeGreaterThan(0)
  return files
}

describe('stored shapes and a failing disk', () => {
  it('stops storing a shape whose log could not be appended (no gap on disk), keeps serving it, and keeps the others', async () => {
    const dir = await storageDir()
    const fixture = await fixtureWithStorage(dir)
    await fixture.sql.unsafe(`CREATE TABLE disk_rows (id int PRIMARY KEY, body text NOT NULL)`)
    const open = async (where: string) => {
      const response = await getShape(fixture.shapeUrl, { table: 'disk_rows', offset: '-1', where })
      return response.headers.get('electric-handle') as string
    }
    const failing = await open('id < 100')
    const healthy = await open('id >= 100')
    await eventually(async () => {
      const listed = await listedHandles(dir)
      return listed.includes(failing) && listed.includes(healthy)
    }, 'both shapes in a checkpoint')
    // A directory where the log file was: appending to it fails.
    const logPath = join(dir, 'shapes', failing, 'log.jsonl')
    await rm(logPath)
    await mkdir(logPath)
    await fixture.sql`INSERT INTO disk_rows VALUES (1, 'lost on disk'), (100, 'kept on disk')`
    await eventually(
      async () => !(await listedHandles(dir)).includes(failing),
      'the failing shape to leave the checkpoint',
    )
    expect(await listedHandles(dir)).toContain(healthy)
    const served = await getShape(fixture.shapeUrl, {
      table: 'disk_rows',
      offset: '0_inf',
      where: 'id < 100',
      handle: failing,
    })
    expect(JSON.stringify(served.body)).toContain('lost on disk')

    await fixture.restart()
    expect(fixture.server.restoredShapes).toBe(1)
    const stale = await getShape(fixture.shapeUrl, {
      table: 'disk_rows',
      offset: '0_inf',
      where: 'id < 100',
      handle: failing,
    })
    expect(stale.status).toBe(409)
    const kept = await getShape(fixture.shapeUrl, {
      table: 'disk_rows',
      offset: '0_inf',
      where: 'id >= 100',
      handle: healthy,
    })
    expect(kept.status).toBe(200)
    expect(JSON.stringify(kept.body)).toContain('kept on disk')
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
