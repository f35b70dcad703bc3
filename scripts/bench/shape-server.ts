/**
 * `pnpm bench shape-server`: write → client latency with 1, 100, 1000 and 10 000 live shapes
 * (`SHAPE_BENCH_LIVE_SHAPES` changes the largest), initial sync of 100k rows, memory per shape and
 * per held request, and a memory-budget run that opens 100 000 distinct shapes over time
 * (`SHAPE_BENCH_OPENED_SHAPES`) against a 64 MiB budget. The shape server runs in a worker
 * thread (its own V8 heap, so memory is measured without the clients); Postgres is a throwaway
 * embedded cluster. Results go to docs/benchmarks.md by hand, with machine and date.
 */

import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { Shape, ShapeStream } from '@electric-sql/client'
import { silentLogger, startShapeServer } from '@session-coach/shape-server'
import postgres from 'postgres'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres.ts'
import { freePort } from '../../dev/processes.ts'
import { buildBenchResult, percentile, writeBenchResult } from './bench-results.ts'

type WorkerRequest =
  | { id: number; kind: 'memory' }
  | { id: number; kind: 'diagnostics' }
  | { id: number; kind: 'close' }

const WORKER_ROLE = 'shape-server-bench'

if (!isMainThread && workerData?.role === WORKER_ROLE) void serveFromWorker()

/** Worker side: runs the server and answers memory questions about its own heap. */
async function serveFromWorker() {
  setFlagsFromString('--expose-gc')
  const collectGarbage = runInNewContext('gc') as () => void
  const server = await startShapeServer({
    databaseUrl: workerData.databaseUrl,
    port: 0,
    // Loopback-only clients in this process; no secret to thread through them.
    insecure: true,
    log: silentLogger,
    poolSize: 10,
    maxLiveRequests: 20_000,
    ...workerData.options,
  })
  const port = parentPort as NonNullable<typeof parentPort>
  port.postMessage({ ready: true, url: server.url })
  port.on('message', async (request: WorkerRequest) => {
    if (request.kind === 'memory') {
      for (let round = 0; round < 3; round++) {
        collectGarbage()
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      port.postMessage({
        id: request.id,
        heapUsed: process.memoryUsage().heapUsed,
        rss: process.memoryUsage().rss,
        diagnostics: server.diagnostics(),
      })
    } else if (request.kind === 'diagnostics') {
      port.postMessage({ id: request.id, diagnostics: server.diagnostics() })
    } else {
      await server.close()
      port.postMessage({ id: request.id, closed: true })
    }
  })
}

class ServerWorker {
  private nextId = 1
  private readonly pending = new Map<number, (value: Record<string, unknown>) => void>()
  private constructor(
    private readonly worker: Worker,
    readonly url: string,
  ) {
    worker.on('message', (message: { id?: number }) => {
      if (message.id === undefined) return
      this.pending.get(message.id)?.(message as Record<string, unknown>)
      this.pending.delete(message.id)
    })
  }

  static async start(databaseUrl: string, options: Record<string, number | string> = {}): Promise<ServerWorker> {
    // tsx's loader hooks are per thread: register them in the worker before loading this module.
    const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href
    const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}) })`
    const worker = new Worker(bootstrap, { eval: true, workerData: { role: WORKER_ROLE, databaseUrl, options } })
    const url = await new Promise<string>((resolve, reject) => {
      worker.once('error', reject)
      worker.once('message', (message: { url: string }) => resolve(message.url))
    })
    return new ServerWorker(worker, url)
  }

  ask<T>(kind: WorkerRequest['kind']): Promise<T> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: Record<string, unknown>) => void)
      this.worker.postMessage({ id, kind })
    })
  }

  async heapUsed(): Promise<number> {
    return (await this.ask<{ heapUsed: number }>('memory')).heapUsed
  }

  async stop() {
    await this.ask('close')
    await this.worker.terminate()
  }
}

const format = (ms: number) => `${ms.toFixed(1)} ms`
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

/** A minimal long-poll client (the official client is measured in the initial-sync test). */
class LiveShapeClient {
  private stopped = false
  private readonly controller = new AbortController()
  readonly done: Promise<void>

  constructor(
    private readonly url: URL,
    private readonly onRow: (key: string) => void,
  ) {
    this.done = this.loop()
  }

  static async open(shapeUrl: string, params: Record<string, string>, onRow: (key: string) => void) {
    const url = new URL(shapeUrl)
    url.search = new URLSearchParams({ ...params, offset: '-1' }).toString()
    let response = await fetch(url)
    await response.arrayBuffer()
    const handle = response.headers.get('electric-handle') as string
    url.searchParams.set('handle', handle)
    url.searchParams.set('offset', response.headers.get('electric-offset') as string)
    while (!response.headers.has('electric-up-to-date')) {
      response = await fetch(url)
      await response.arrayBuffer()
      url.searchParams.set('offset', response.headers.get('electric-offset') as string)
    }
    url.searchParams.set('live', 'true')
    url.searchParams.set('cursor', '')
    return new LiveShapeClient(url, onRow)
  }

  private async loop() {
    while (!this.stopped) {
      let response: Response
      try {
        response = await fetch(this.url, { signal: this.controller.signal })
      } catch {
        return
      }
      const body = (await response.json()) as Array<{ key?: string }>
      if (response.status !== 200)
        throw new Error(`live request failed with ${response.status}: ${JSON.stringify(body)} (${this.url})`)
      for (const item of body) if (item.key) this.onRow(item.key)
      this.url.searchParams.set('offset', response.headers.get('electric-offset') as string)
      this.url.searchParams.set('cursor', response.headers.get('electric-cursor') ?? '')
    }
  }

  stop() {
    this.stopped = true
    this.controller.abort()
  }
}

interface LatencyResult {
  scenario: string
  shapes: number
  writes: number
  p50: number
  p99: number
  max: number
  /** Same, measured from the moment the INSERT's commit returned (excludes Postgres' commit). */
  afterCommitP50: number
  afterCommitP99: number
}

const WARM_UP_WRITES = 20

async function measureLatency(
  sql: postgres.Sql,
  shapeUrl: string,
  scenario: string,
  shapeCount: number,
  writes: number,
  where: (index: number) => { where: string; 'params[1]': string },
  keyFor: (index: number) => number,
): Promise<LatencyResult> {
  const arrivals = new Map<string, () => void>()
  const clients: LiveShapeClient[] = []
  const table = `bench_live_${shapeCount}_${scenario.replace(/\W+/g, '_')}`.toLowerCase()
  await sql.unsafe(
    `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id int PRIMARY KEY, shape_key int NOT NULL, payload text)`,
  )
  await sql.unsafe(`CREATE INDEX ON ${table} (shape_key)`)
  for (let start = 0; start < shapeCount; start += 50) {
    const batch = Array.from({ length: Math.min(50, shapeCount - start) }, (_, offset) => start + offset)
    clients.push(
      ...(await Promise.all(
        batch.map((index) =>
          LiveShapeClient.open(shapeUrl, { table, ...where(index) }, (key) => arrivals.get(key)?.()),
        ),
      )),
    )
  }
  await new Promise((resolve) => setTimeout(resolve, 500))
  const latencies: number[] = []
  const afterCommit: number[] = []
  for (let write = 0; write < WARM_UP_WRITES + writes; write++) {
    const id = write + 1
    const target = keyFor(write % shapeCount)
    const arrived = new Promise<number>((resolve) =>
      arrivals.set(`"public"."${table}"/"${id}"`, () => resolve(performance.now())),
    )
    const started = performance.now()
    await sql.unsafe(`INSERT INTO ${table} VALUES ($1, $2, 'x')`, [id, target])
    const committed = performance.now()
    const received = await arrived
    if (write >= WARM_UP_WRITES) {
      latencies.push(received - started)
      afterCommit.push(received - committed)
    }
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  for (const client of clients) client.stop()
  await Promise.all(clients.map((client) => client.done))
  latencies.sort((a, b) => a - b)
  afterCommit.sort((a, b) => a - b)
  return {
    afterCommitP50: percentile(afterCommit, 50),
    afterCommitP99: percentile(afterCommit, 99),
    scenario,
    shapes: shapeCount,
    writes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
  }
}

interface BudgetResult {
  budgetBytes: number
  opened: number
  /** Highest total of shape data the server reported while opening them. */
  maxShapeBytes: number
  /** Highest heap of the server's thread (after GC) at the samples. */
  maxHeapUsed: number
  /** Process RSS at the samples (includes this client thread). */
  maxRss: number
  shapesAtEnd: number
  elapsedMs: number
}

/**
 * Opens `opened` distinct shapes (one per simulated session, each read once to its tip) on a
 * server with a data budget, sampling what it holds: the budget must hold however many are opened.
 */
async function measureMemoryBudget(sql: postgres.Sql, databaseUrl: string, opened: number): Promise<BudgetResult> {
  const budgetBytes = 64 * 1024 * 1024
  await sql.unsafe(`
    CREATE TABLE bench_budget (id int PRIMARY KEY, session int NOT NULL, body text NOT NULL);
    INSERT INTO bench_budget SELECT n, n % ${opened}, repeat('b', 200) FROM generate_series(1, ${opened * 2}) AS n;
    CREATE INDEX ON bench_budget (session);
  `)
  const server = await ServerWorker.start(databaseUrl, {
    maxMemoryBytes: budgetBytes,
    maxShapes: 1_000_000,
    slotName: 'bench_budget_slot',
    publicationName: 'bench_budget_publication',
  })
  const started = performance.now()
  let maxShapeBytes = 0
  let maxHeapUsed = 0
  let maxRss = 0
  const sample = async () => {
    const memory = await server.ask<{ heapUsed: number; rss: number; diagnostics: { shapeBytes: number } }>('memory')
    maxShapeBytes = Math.max(maxShapeBytes, memory.diagnostics.shapeBytes)
    maxHeapUsed = Math.max(maxHeapUsed, memory.heapUsed)
    maxRss = Math.max(maxRss, memory.rss)
  }
  try {
    const batch = 50
    for (let start = 0; start < opened; start += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, opened - start) }, async (_, offset) => {
          const query = `table=bench_budget&where=session%20%3D%20%241&params%5B1%5D=${start + offset}`
          const first = await fetch(`${server.url}/v1/shape?${query}&offset=-1`)
          await first.arrayBuffer()
          const handle = first.headers.get('electric-handle')
          const tip = await fetch(`${server.url}/v1/shape?${query}&offset=0_0&handle=${handle}`)
          await tip.arrayBuffer()
        }),
      )
      if ((start / batch) % Math.max(1, Math.floor(opened / batch / 20)) === 0) await sample()
    }
    await sample()
    const { diagnostics } = await server.ask<{ diagnostics: { shapes: number } }>('diagnostics')
    return {
      budgetBytes,
      opened,
      maxShapeBytes,
      maxHeapUsed,
      maxRss,
      shapesAtEnd: diagnostics.shapes,
      elapsedMs: performance.now() - started,
    }
  } finally {
    await server.stop()
  }
}

async function measureInitialSync(sql: postgres.Sql, shapeUrl: string) {
  await sql.unsafe(`
    CREATE TABLE bench_sync (id int PRIMARY KEY, title text NOT NULL, amount numeric(10, 2), created_at timestamptz NOT NULL, done boolean NOT NULL);
    INSERT INTO bench_sync SELECT n, 'Row number ' || n, n / 7.0, now() - n * interval '1 minute', n % 2 = 0 FROM generate_series(1, 100000) AS n;
    ANALYZE bench_sync;
  `)
  // Raw protocol: server snapshot + transfer until up-to-date (new shape, cold).
  let started = performance.now()
  const url = new URL(shapeUrl)
  url.search = new URLSearchParams({ table: 'bench_sync', offset: '-1' }).toString()
  let bytes = 0
  let response = await fetch(url)
  bytes += (await response.arrayBuffer()).byteLength
  url.searchParams.set('handle', response.headers.get('electric-handle') as string)
  for (;;) {
    url.searchParams.set('offset', response.headers.get('electric-offset') as string)
    if (response.headers.has('electric-up-to-date')) break
    response = await fetch(url)
    bytes += (await response.arrayBuffer()).byteLength
  }
  const rawMs = performance.now() - started

  // Official client on the now-existing shape (parsing included), as a browser tab would.
  started = performance.now()
  const stream = new ShapeStream({ url: shapeUrl, params: { table: 'bench_sync' }, subscribe: false })
  const rows = await new Shape(stream).rows
  const clientMs = performance.now() - started
  stream.unsubscribeAll()
  if (rows.length !== 100_000) throw new Error(`expected 100000 rows, got ${rows.length}`)
  return { rawMs, clientMs, bytes }
}

async function measureMemory(sql: postgres.Sql, server: ServerWorker) {
  await sql.unsafe(`
    CREATE TABLE bench_memory (id int PRIMARY KEY, owner int NOT NULL, title text NOT NULL);
    INSERT INTO bench_memory SELECT n, n % 1000, 'Title ' || n FROM generate_series(1, 10000) AS n;
    CREATE INDEX ON bench_memory (owner);
  `)
  const shapeCount = 1_000
  const before = await server.heapUsed()
  const handles: string[] = []
  for (let start = 0; start < shapeCount; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, async (_, offset) => {
        const owner = start + offset
        const response = await fetch(
          `${server.url}/v1/shape?table=bench_memory&offset=-1&where=owner%20%3D%20%241&params%5B1%5D=${owner}`,
        )
        await response.arrayBuffer()
        handles[owner] = response.headers.get('electric-handle') as string
      }),
    )
  }
  const withShapes = await server.heapUsed()
  const perShape = (withShapes - before) / shapeCount

  const held = 1_000
  const controllers: AbortController[] = []
  const requests: Promise<unknown>[] = []
  for (let index = 0; index < held; index++) {
    const controller = new AbortController()
    controllers.push(controller)
    const owner = index % shapeCount
    requests.push(
      fetch(
        `${server.url}/v1/shape?table=bench_memory&offset=0_inf&live=true&cursor=&handle=${handles[owner]}&where=owner%20%3D%20%241&params%5B1%5D=${owner}`,
        { signal: controller.signal },
      ).catch(() => undefined),
    )
  }
  for (;;) {
    const { diagnostics } = await server.ask<{ diagnostics: { heldRequests: number } }>('diagnostics')
    if (diagnostics.heldRequests === held) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const withHeld = await server.heapUsed()
  for (const controller of controllers) controller.abort()
  await Promise.all(requests)
  for (;;) {
    const { diagnostics } = await server.ask<{ diagnostics: { heldRequests: number } }>('diagnostics')
    if (diagnostics.heldRequests === 0) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const afterRelease = await server.heapUsed()
  return {
    perShape,
    rowsPerShape: 10,
    perHeldRequest: (withHeld - withShapes) / held,
    releasedBytes: withHeld - afterRelease,
  }
}

export async function run(): Promise<void> {
  // A persistent data directory gives the same settings as the dev database (fsync and
  // synchronous_commit on); throwaway clusters defer WAL flushes, which delays replication by
  // up to wal_writer_delay (200 ms).
  const parent = mkdtempSync(join(tmpdir(), 'shape-server-bench-'))
  chmodSync(parent, 0o755)
  const postgresServer = await startEmbeddedPostgres({ port: await freePort(), dataDir: join(parent, 'data') })
  const sql = postgres(postgresServer.url, { max: 4, onnotice: () => {} })
  const mostLiveShapes = Number(process.env.SHAPE_BENCH_LIVE_SHAPES ?? 10_000)
  // The shape count cap (ELECTRIC_MAX_SHAPES, 5 000 by default) must hold every live shape of the
  // largest run plus the earlier runs' (they are released by idle expiry, not at once); past it the
  // least recently used shapes are dropped and their clients resync, which is not what this measures.
  const server = await ServerWorker.start(postgresServer.url, { maxShapes: 2 * mostLiveShapes + 10_000 })
  const shapeUrl = `${server.url}/v1/shape`
  try {
    console.log(
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${megabytes(totalmem())} RAM, Node ${process.version}`,
    )
    const equality = (index: number) => ({ where: 'shape_key = $1', 'params[1]': String(index) })
    const range = (index: number) => ({ where: 'shape_key BETWEEN $1 AND $1 + 0', 'params[1]': String(index) })
    const results: LatencyResult[] = []
    for (const shapes of [1, 100, 1000, mostLiveShapes]) {
      results.push(
        await measureLatency(sql, shapeUrl, 'equality where (in-process)', shapes, 200, equality, (index) => index),
      )
    }
    results.push(
      await measureLatency(sql, shapeUrl, 'range where (Postgres-evaluated)', 100, 200, range, (index) => index),
    )
    console.log(
      '\n| scenario | live shapes | writes | p50 | p99 | max | p50 after commit | p99 after commit |\n' +
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    )
    for (const result of results) {
      console.log(
        `| ${result.scenario} | ${result.shapes} | ${result.writes} | ${format(result.p50)} | ${format(result.p99)} | ` +
          `${format(result.max)} | ${format(result.afterCommitP50)} | ${format(result.afterCommitP99)} |`,
      )
    }

    const sync = await measureInitialSync(sql, shapeUrl)
    console.log(
      `\nInitial sync of 100k rows: ${format(sync.rawMs)} until up-to-date over HTTP (new shape: snapshot + transfer, ` +
        `${megabytes(sync.bytes)} JSON); ${format(sync.clientMs)} with @electric-sql/client Shape on the existing shape (parsing included).`,
    )

    const memory = await measureMemory(sql, server)
    console.log(
      `\nMemory (server heap after GC): ${kilobytes(memory.perShape)} per shape (${memory.rowsPerShape}-row snapshot, where owner = $1), ` +
        `${kilobytes(memory.perHeldRequest)} per held live request; ${megabytes(memory.releasedBytes)} released after aborting them.`,
    )
    const budget = await measureMemoryBudget(
      sql,
      postgresServer.url,
      Number(process.env.SHAPE_BENCH_OPENED_SHAPES ?? 100_000),
    )
    console.log(
      `\nMemory budget: ${budget.opened} distinct shapes opened in ${format(budget.elapsedMs)} against ` +
        `${megabytes(budget.budgetBytes)}: shape data at most ${megabytes(budget.maxShapeBytes)}, server heap at most ` +
        `${megabytes(budget.maxHeapUsed)} (process RSS ${megabytes(budget.maxRss)}), ${budget.shapesAtEnd} shapes kept at the end.`,
    )
    const record = buildBenchResult('shape-server', {
      unit: 'ms, bytes',
      latency: results,
      initialSync: sync,
      memory,
      memoryBudget: budget,
    })
    console.log(`\nWrote ${writeBenchResult(record)}`)
  } finally {
    await server.stop()
    await sql.end()
    await postgresServer.stop()
    rmSync(parent, { recursive: true, force: true })
  }
}
