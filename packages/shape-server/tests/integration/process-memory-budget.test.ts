import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { isControlMessage } from '@electric-sql/client'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHAPE_SERVER_NODE_FLAGS } from '../../src/node-flags.ts'
import { byKey, eventually, getShape, StreamRecorder } from './support.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

/**
 * `SHAPE_SERVER_MEMORY_BUDGET_MB` bounds the server process's RSS: the real CLI, in a process of
 * its own (RSS is a property of the process), refuses a budget it cannot run under and evicts the
 * least recently read shapes when shape data would push it over. The allowance logic itself is
 * unit-tested (tests/unit/memory-budget.test.ts).
 */

const MiB = 1024 * 1024
const bin = fileURLToPath(new URL('../../bin/shape-server.mjs', import.meta.url))
/** Owners of about 2.2 MiB of rows each: a shape per owner. */
const ROWS_PER_OWNER = 1_000
const BODY_CHARS = 2_000

let db: TestDatabase
let sql: postgres.Sql
const children: ChildProcess[] = []
const recorders: StreamRecorder[] = []
/** The smallest budget the refusal named. */
let minimumMiB: number

beforeAll(async () => {
  db = await createTestDatabase()
  sql = postgres(db.url, { max: 2, onnotice: () => {} })
  await sql.unsafe(`
    CREATE TABLE documents (id int PRIMARY KEY, owner int NOT NULL, body text NOT NULL);
    CREATE INDEX ON documents (owner);
  `)
})

afterAll(async () => {
  for (const recorder of recorders) recorder.close()
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  await sql?.end()
  await db?.drop()
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The installed command with a budget, started as the stacks start it; its output is collected. */
async function startCli(budgetMiB: number) {
  const port = await freePort()
  const child = spawn(process.execPath, [...SHAPE_SERVER_NODE_FLAGS, bin, '--insecure'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      ELECTRIC_PORT: String(port),
      SHAPE_SERVER_MEMORY_BUDGET_MB: String(budgetMiB),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const output = { stdout: '', stderr: '' }
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, port, output, exited, url: `http://127.0.0.1:${port}/v1/shape` }
}

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) * 1024
}

const ownerQuery = (owner: number) => ({ table: 'documents', where: 'owner = $1', 'params[1]': String(owner) })

describe('the process memory budget (SHAPE_SERVER_MEMORY_BUDGET_MB)', () => {
  it('refuses to start under a budget the process cannot run under, naming the minimum, and leaves no slot behind', async () => {
    const server = await startCli(64)
    const code = await server.exited
    expect(code).toBe(2)
    const refusal =
      /SHAPE_SERVER_MEMORY_BUDGET_MB \(got "64"\): must be at least (\d+): the server process uses \d+ MiB once started/
    expect(server.output.stderr).toMatch(refusal)
    minimumMiB = Number(refusal.exec(server.output.stderr)?.[1])
    expect(minimumMiB).toBeGreaterThan(64)
    const slots = await sql`SELECT slot_name FROM pg_replication_slots WHERE database = current_database()`
    expect(slots).toEqual([])
  }, 60_000)

  it('keeps RSS under a tight budget by evicting the least recently read shapes; their clients resync', async () => {
    expect(minimumMiB, 'the refusal test names the minimum first').toBeGreaterThan(0)
    // Room for roughly 20–40 MiB of shape data: a dozen of these shapes at most.
    const budgetMiB = minimumMiB + 32
    const owners = 40
    await sql.unsafe(
      `INSERT INTO documents SELECT n, n % ${owners}, repeat('d', ${BODY_CHARS}) FROM generate_series(1, ${owners * ROWS_PER_OWNER}) AS n`,
    )
    const server = await startCli(budgetMiB)
    // Logged once the server listens and has measured its baseline.
    await eventually(
      () => /shape data may use up to/.test(server.output.stdout) || server.child.exitCode !== null,
      'the server to start under its budget',
      60_000,
    )
    expect(server.child.exitCode, server.output.stderr).toBeNull()
    const allowed = /shape data may use up to ([\d.]+) MiB/.exec(server.output.stdout)
    expect(allowed, server.output.stdout).not.toBeNull()
    const allowedMiB = Number(allowed?.[1])
    expect(allowedMiB).toBeLessThanOrEqual(budgetMiB - 32)

    // The first client reads its shape and goes away (a closed tab): nothing holds the shape.
    const first = new StreamRecorder({ url: server.url, params: ownerQuery(0), subscribe: false })
    recorders.push(first)
    await first.upToDate()
    expect(first.rows).toHaveLength(ROWS_PER_OWNER)
    const handle = first.stream.shapeHandle as string
    const offset = first.stream.lastOffset
    first.close()

    // Many times the allowance in shapes, each read to its tip once.
    for (let owner = 1; owner < owners; owner++) {
      const response = await getShape(server.url, { ...ownerQuery(owner), offset: '-1' })
      expect(response.status).toBe(200)
    }
    const newest = await getShape(server.url, { ...ownerQuery(owners - 1), offset: '-1' })
    expect(newest.status).toBe(200)

    // The first shape was evicted: its handle answers 409, and the official client resyncs.
    const gone = await getShape(server.url, { ...ownerQuery(0), handle, offset })
    expect(gone.status).toBe(409)
    const resumed = new StreamRecorder({
      url: server.url,
      params: ownerQuery(0),
      handle,
      offset,
      backoffOptions: { initialDelay: 50, maxDelay: 200, multiplier: 1.5 },
    })
    recorders.push(resumed)
    await resumed.waitFor(
      () => resumed.messages.some((message) => isControlMessage(message) && message.headers.control === 'must-refetch'),
      'the must-refetch of the evicted shape',
    )
    await resumed.waitFor(() => resumed.rows.length === ROWS_PER_OWNER, 'the resynced rows', 30_000)
    expect(resumed.stream.shapeHandle).not.toBe(handle)
    const ids = byKey(resumed.rows, (row) => Number(row.id)).map((row) => Number(row.id))
    expect(ids).toEqual(Array.from({ length: ROWS_PER_OWNER }, (_, index) => (index + 1) * owners))

    // The process settles under its budget, and the evictions were not logged one line each.
    const pid = server.child.pid as number
    await eventually(
      () => residentBytes(pid) <= budgetMiB * MiB,
      () => `RSS ${(residentBytes(pid) / MiB).toFixed(1)} MiB to come under the ${budgetMiB} MiB budget`,
      30_000,
    )
    expect(server.output.stdout).not.toMatch(/Rotating shape/)
    expect(server.child.exitCode).toBeNull()
  }, 180_000)
})
