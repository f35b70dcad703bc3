/**
 * `pnpm bench shape-server`: write → client latency with 1, 100, 1000 and 10 000 live shapes
 * (`SHAPE_BENCH_LIVE_SHAPES` changes the largest), initial sync of 100k rows, memory per shape and
 * per held request, and a memory-budget run that opens 100 000 distinct shapes over time
 * (`SHAPE_BENCH_OPENED_SHAPES`) against a 192 MiB process memory budget (`SHAPE_BENCH_MEMORY_BUDGET_MB`):
 * the server's RSS must stay under it, and the run says whether it did; and the CPU a transaction
 * costs with 2 000 subquery shapes on its table (`SHAPE_BENCH_SUBQUERY_SHAPES`;
 * `SHAPE_BENCH_SUBQUERY_TRANSACTIONS`, 100, transactions of 4 rows) when it concerns only a few of
 * them (the equality index). The shape server runs in a child process
 * of its own (./shape-server-process.ts: its RSS and open files are the server's alone), the live
 * clients in up to `SHAPE_BENCH_CLIENT_PROCESSES` (4) more (./live-shape-clients.ts), the writer
 * here; Postgres is a throwaway embedded cluster. Results go to docs/benchmarks.md by hand, with
 * machine, date and load average.
 */

import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Shape, ShapeStream } from '@electric-sql/client'
import postgres from 'postgres'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres.ts'
import { freePort } from '../../dev/processes.ts'
import { buildBenchResult, formatTable, percentile, writeBenchResult } from './bench-results.ts'
import { LiveShapeClients, monotonicMs } from './live-shape-clients.ts'
import { cpuSeconds, postgresCpuSeconds } from './process-cpu.ts'
import { ShapeServerProcess } from './shape-server-process.ts'

/** Long-polls per client process at most; 4 processes hold the 10 000-shape run. */
const SHAPES_PER_CLIENT_PROCESS = 2_500
const MAX_CLIENT_PROCESSES = Number(process.env.SHAPE_BENCH_CLIENT_PROCESSES ?? 4)
/** `SHAPE_SERVER_MEMORY_BUDGET_MB` of the budget run: what the server process's RSS must stay under. */
const BUDGET_BYTES = Number(process.env.SHAPE_BENCH_MEMORY_BUDGET_MB ?? 192) * 1024 * 1024

const format = (ms: number) => `${ms.toFixed(1)} ms`
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const kilobytes = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

interface LatencyResult {
  scenario: string
  shapes: number
  /** Child processes holding the shapes' long-polls. */
  clientProcesses: number
  writes: number
  p50: number
  p99: number
  max: number
  /** Same, measured from the moment the INSERT's commit returned (excludes Postgres' commit). */
  afterCommitP50: number
  afterCommitP99: number
  /** Requests the clients retried after a 503 (overload) or a failed connection, opening included. */
  retried503: number
  retryReasons: Record<string, number>
  /** One-minute load average when the run ended (the machine is shared). */
  loadAverage: number
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
  const table = `bench_live_${shapeCount}_${scenario.replace(/\W+/g, '_')}`.toLowerCase()
  await sql.unsafe(
    `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id int PRIMARY KEY, shape_key int NOT NULL, payload text)`,
  )
  await sql.unsafe(`CREATE INDEX ON ${table} (shape_key)`)
  const processCount = Math.min(MAX_CLIENT_PROCESSES, Math.ceil(shapeCount / SHAPES_PER_CLIENT_PROCESS))
  const openedAt = performance.now()
  const clients = await LiveShapeClients.open(
    shapeUrl,
    Array.from({ length: shapeCount }, (_, index) => ({ table, ...where(index) })),
    processCount,
  )
  console.log(
    `${scenario}: ${shapeCount} live shapes opened by ${clients.processCount} client process(es) in ` +
      `${((performance.now() - openedAt) / 1000).toFixed(1)} s (${clients.retries} requests retried after a 503 or a failed connection)`,
  )
  for (const [reason, count] of Object.entries(clients.retryReasons))
    console.log(`  retried ${count}× after: ${reason}`)
  await new Promise((resolve) => setTimeout(resolve, 500))
  const latencies: number[] = []
  const afterCommit: number[] = []
  try {
    for (let write = 0; write < WARM_UP_WRITES + writes; write++) {
      const id = write + 1
      const target = keyFor(write % shapeCount)
      const arrived = clients.arrival(`"public"."${table}"/"${id}"`)
      // A client process failing during the INSERT must not be an unhandled rejection.
      arrived.catch(() => {})
      const started = monotonicMs()
      await sql.unsafe(`INSERT INTO ${table} VALUES ($1, $2, 'x')`, [id, target])
      const committed = monotonicMs()
      const received = await arrived
      if (write >= WARM_UP_WRITES) {
        latencies.push(received - started)
        afterCommit.push(received - committed)
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  } finally {
    await clients.stop()
  }
  latencies.sort((a, b) => a - b)
  afterCommit.sort((a, b) => a - b)
  return {
    afterCommitP50: percentile(afterCommit, 50),
    afterCommitP99: percentile(afterCommit, 99),
    scenario,
    shapes: shapeCount,
    clientProcesses: clients.processCount,
    writes,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
    retried503: clients.retries,
    retryReasons: clients.retryReasons,
    loadAverage: loadavg()[0],
  }
}

interface BudgetSample {
  opened: number
  elapsedMs: number
  /** Shapes the server held at the sample. */
  shapes: number
  /** What the server counts as shape data (data plus 8 KiB per shape). */
  shapeBytes: number
  /** What the shape data may use at the sample (the process budget's allowance). */
  shapeDataLimitBytes: number
  /** The server process' V8 heap after GC. */
  heapUsed: number
  external: number
  /** The server process' resident set (/proc/<pid>/status VmRSS). */
  rss: number
}

interface BudgetResult {
  budgetBytes: number
  opened: number
  /** The server process before the first shape: Node, tsx, the server's modules and pools. */
  baseline: { rss: number; heapUsed: number }
  /** Highest total of shape data the server reported while opening them. */
  maxShapeBytes: number
  /** Highest heap of the server process (after GC) at the samples. */
  maxHeapUsed: number
  /** Highest RSS of the server process, sampled every second, and the kernel's peak (VmHWM). */
  maxRss: number
  peakRss: number
  /** RSS and heap after the last shape, after GC. */
  finalRss: number
  finalHeapUsed: number
  shapesAtEnd: number
  evictedShapes: number
  /** RSS stayed under the budget: every per-second sample and the kernel's peak. */
  met: boolean
  elapsedMs: number
  /** CPU the server process spent per opened shape (snapshot query, serialisation, eviction). */
  serverCpuMsPerShape: number
  samples: BudgetSample[]
  loadAverage: number[]
}

/**
 * Opens `opened` distinct shapes (one per simulated session, each read once to its tip) on a
 * server with a process memory budget, as the CLI sets it, sampling the server process: its RSS
 * must stay under the budget however many are opened.
 */
async function measureMemoryBudget(sql: postgres.Sql, databaseUrl: string, opened: number): Promise<BudgetResult> {
  await sql.unsafe(`
    CREATE TABLE bench_budget (id int PRIMARY KEY, session int NOT NULL, body text NOT NULL);
    INSERT INTO bench_budget SELECT n, n % ${opened}, repeat('b', 200) FROM generate_series(1, ${opened * 2}) AS n;
    CREATE INDEX ON bench_budget (session);
  `)
  const server = await ShapeServerProcess.start(databaseUrl, {
    insecure: true,
    maxMemoryBytes: BUDGET_BYTES,
    memoryBudgetBytes: BUDGET_BYTES,
    maxShapes: 1_000_000,
    slotName: 'bench_budget_slot',
    publicationName: 'bench_budget_publication',
  })
  const baselineMemory = await server.memory()
  const started = performance.now()
  const cpuBefore = cpuSeconds(server.pid)
  let maxRss = baselineMemory.rss
  const rssSampler = setInterval(() => {
    maxRss = Math.max(maxRss, server.resident().rss)
  }, 1_000)
  const samples: BudgetSample[] = []
  let count = 0
  const sample = async () => {
    const memory = await server.memory()
    samples.push({
      opened: count,
      elapsedMs: performance.now() - started,
      shapes: memory.diagnostics.shapes,
      shapeBytes: memory.diagnostics.shapeBytes,
      shapeDataLimitBytes: memory.diagnostics.shapeDataLimitBytes,
      heapUsed: memory.heapUsed,
      external: memory.external,
      rss: memory.rss,
    })
    maxRss = Math.max(maxRss, memory.rss)
    // Progress: the full run takes minutes.
    console.log(
      `memory budget: ${count} opened, ${memory.diagnostics.shapes} held, shape bytes ${megabytes(memory.diagnostics.shapeBytes)} ` +
        `of ${megabytes(memory.diagnostics.shapeDataLimitBytes)} allowed, RSS peak so far ${megabytes(maxRss)}, ` +
        `server heap ${megabytes(memory.heapUsed)}, RSS ${megabytes(memory.rss)}`,
    )
  }
  try {
    const batch = 50
    const samplesEvery = Math.max(batch, Math.ceil(opened / 20 / batch) * batch)
    for (let start = 0; start < opened; start += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, opened - start) }, async (_, offset) => {
          const query = `table=bench_budget&where=session%20%3D%20%241&params%5B1%5D=${start + offset}`
          const first = await fetch(`${server.url}/v1/shape?${query}&offset=-1`)
          await first.arrayBuffer()
          if (first.status !== 200) throw new Error(`opening shape ${start + offset} failed with ${first.status}`)
          const handle = first.headers.get('electric-handle')
          const tip = await fetch(`${server.url}/v1/shape?${query}&offset=0_0&handle=${handle}`)
          await tip.arrayBuffer()
        }),
      )
      count = Math.min(opened, start + batch)
      if (count % samplesEvery === 0 || count === opened) await sample()
    }
    const cpuMs = (cpuSeconds(server.pid) - cpuBefore) * 1000
    const final = samples[samples.length - 1]
    return {
      budgetBytes: BUDGET_BYTES,
      opened,
      baseline: { rss: baselineMemory.rss, heapUsed: baselineMemory.heapUsed },
      maxShapeBytes: Math.max(...samples.map((entry) => entry.shapeBytes)),
      maxHeapUsed: Math.max(...samples.map((entry) => entry.heapUsed)),
      maxRss,
      peakRss: server.resident().peak,
      finalRss: final.rss,
      finalHeapUsed: final.heapUsed,
      shapesAtEnd: final.shapes,
      evictedShapes: (await server.diagnostics()).evictedShapes,
      met: maxRss <= BUDGET_BYTES && server.resident().peak <= BUDGET_BYTES,
      elapsedMs: performance.now() - started,
      serverCpuMsPerShape: cpuMs / opened,
      samples,
      loadAverage: loadavg(),
    }
  } finally {
    clearInterval(rssSampler)
    await server.stop()
  }
}

interface SubqueryIndexResult {
  scenario: string
  /** What each transaction writes. */
  writes: string
  where: string
  shapes: number
  transactions: number
  /** Shapes each transaction can change (their sets hold its rows' projects, or the projects' owners are theirs). */
  matchingShapesPerTransaction: number
  /** Server CPU per transaction (/proc/<pid>/stat), from the first write until the last was applied. */
  serverCpuMsPerTransaction: number
  /** CPU of every Postgres process per transaction (predicate statements, move-in queries, WAL sending, the writes). */
  postgresCpuMsPerTransaction: number
  /** Subquery shapes each transaction was applied to (`diagnostics().subqueryApplications`); absent before it existed. */
  applicationsPerTransaction: number | undefined
  elapsedMs: number
  loadAverage: number[]
}

/**
 * `shapes` subquery shapes, one per owner (`project_id IN (SELECT id FROM projects WHERE owner =
 * $1)`, optionally with a row condition Postgres evaluates); then transactions that each insert
 * issues into the projects of 4 owners (the shapes' own table), and transactions that each hand a
 * project to the next owner (the table the subquery reads: one shape's set loses it, the next
 * one's gains it, with a move-in query). Without the index every transaction is applied to every
 * shape (a predicate statement each for the row condition or the subquery's WHERE); with it, to
 * the shapes it can change. Measured as CPU of the server process and of Postgres.
 */
async function measureSubqueryIndex(
  sql: postgres.Sql,
  databaseUrl: string,
  dataDir: string,
  scenario: string,
  rowCondition: string,
  shapes: number,
): Promise<SubqueryIndexResult[]> {
  const transactions = Number(process.env.SHAPE_BENCH_SUBQUERY_TRANSACTIONS ?? 100)
  const rowsPerTransaction = 4
  const suffix = rowCondition ? 'conditioned' : 'plain'
  const projects = `bench_sq_projects_${suffix}`
  const issues = `bench_sq_issues_${suffix}`
  const marks = `bench_sq_marks_${suffix}`
  await sql.unsafe(`
    CREATE TABLE ${projects} (id int PRIMARY KEY, owner int NOT NULL);
    CREATE TABLE ${issues} (id int PRIMARY KEY, project_id int NOT NULL, title text NOT NULL);
    CREATE TABLE ${marks} (id int PRIMARY KEY);
    INSERT INTO ${projects} SELECT p, p % ${shapes} FROM generate_series(0, ${2 * shapes - 1}) AS p;
    INSERT INTO ${issues} SELECT n, n % ${2 * shapes}, 'Issue ' || n FROM generate_series(0, ${4 * shapes - 1}) AS n;
    CREATE INDEX ON ${projects} (owner);
    CREATE INDEX ON ${issues} (project_id);
  `)
  const server = await ShapeServerProcess.start(databaseUrl, {
    insecure: true,
    maxShapes: shapes + 100,
    slotName: `bench_sq_slot_${suffix}`,
    publicationName: `bench_sq_publication_${suffix}`,
  })
  const where = `project_id IN (SELECT id FROM ${projects} WHERE owner = $1)${rowCondition ? ` AND ${rowCondition}` : ''}`
  const shapeQuery = (params: Record<string, string>) => new URLSearchParams(params).toString()
  try {
    const openedAt = performance.now()
    for (let start = 0; start < shapes; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, shapes - start) }, async (_, offset) => {
          const query = shapeQuery({ table: issues, where, 'params[1]': String(start + offset), offset: '-1' })
          const response = await fetch(`${server.url}/v1/shape?${query}`)
          await response.arrayBuffer()
          if (response.status !== 200) throw new Error(`opening subquery shape ${start + offset}: ${response.status}`)
        }),
      )
    }
    console.log(
      `${scenario}: ${shapes} subquery shapes opened in ${((performance.now() - openedAt) / 1000).toFixed(1)} s`,
    )
    // A plain shape on a table of its own: once a mark written after the transactions arrives
    // there, every transaction before it has been applied (one serial queue, commit order).
    const markQuery = (extra: Record<string, string>) => shapeQuery({ table: marks, ...extra })
    let markResponse = await fetch(`${server.url}/v1/shape?${markQuery({ offset: '-1' })}`)
    await markResponse.arrayBuffer()
    const markHandle = markResponse.headers.get('electric-handle') as string
    let markOffset = markResponse.headers.get('electric-offset') as string
    let markId = 0
    const allApplied = async () => {
      const id = ++markId
      await sql.unsafe(`INSERT INTO ${marks} VALUES ($1)`, [id])
      for (;;) {
        markResponse = await fetch(
          `${server.url}/v1/shape?${markQuery({ handle: markHandle, offset: markOffset, live: 'true', cursor: '' })}`,
        )
        const items = (await markResponse.json()) as { key?: string }[]
        markOffset = markResponse.headers.get('electric-offset') ?? markOffset
        if (items.some((item) => item.key === `"public"."${marks}"/"${id}"`)) return
      }
    }
    // The first change of each table carries its relation message, which every shape checks once.
    await sql.unsafe(`UPDATE ${issues} SET title = title WHERE id = 0`)
    await sql.unsafe(`UPDATE ${projects} SET owner = owner WHERE id = 0`)
    await allApplied()

    const measure = async (
      writes: string,
      matchingShapesPerTransaction: number,
      write: (tx: postgres.TransactionSql, transaction: number) => Promise<void>,
    ): Promise<SubqueryIndexResult> => {
      const applicationsBefore = (await server.diagnostics()).subqueryApplications
      const serverCpuBefore = cpuSeconds(server.pid)
      const postgresCpuBefore = postgresCpuSeconds(dataDir)
      const started = performance.now()
      for (let transaction = 0; transaction < transactions; transaction++) {
        await sql.begin((tx) => write(tx, transaction))
      }
      await allApplied()
      const elapsedMs = performance.now() - started
      const serverCpuMs = (cpuSeconds(server.pid) - serverCpuBefore) * 1000
      const postgresCpuMs = (postgresCpuSeconds(dataDir) - postgresCpuBefore) * 1000
      const applicationsAfter = (await server.diagnostics()).subqueryApplications
      return {
        scenario,
        writes,
        where,
        shapes,
        transactions,
        matchingShapesPerTransaction,
        serverCpuMsPerTransaction: serverCpuMs / transactions,
        postgresCpuMsPerTransaction: postgresCpuMs / transactions,
        applicationsPerTransaction:
          applicationsAfter === undefined || applicationsBefore === undefined
            ? undefined
            : (applicationsAfter - applicationsBefore) / transactions,
        elapsedMs,
        loadAverage: loadavg(),
      }
    }

    let nextId = 4 * shapes
    const issueInserts = await measure(`${rowsPerTransaction} issues`, rowsPerTransaction, async (tx, transaction) => {
      for (let row = 0; row < rowsPerTransaction; row++) {
        // Owners spread over the whole range: each row belongs to a different shape.
        const owner = (transaction * 7919 + row * 104729) % shapes
        await tx.unsafe(`INSERT INTO ${issues} VALUES ($1, $2, 'Bench issue')`, [nextId++, owner])
      }
    })
    const ownerChanges = await measure('1 project changing owner', 2, async (tx, transaction) => {
      // Project p belongs to owner p % shapes; it moves to the next owner (its 2 issues move in there).
      const project = (transaction * 7919) % (2 * shapes)
      await tx.unsafe(`UPDATE ${projects} SET owner = (owner + 1) % $2 WHERE id = $1`, [project, shapes])
    })
    return [issueInserts, ownerChanges]
  } finally {
    await server.stop()
  }
}

function printSubqueryIndex(results: SubqueryIndexResult[]) {
  const header = [
    'scenario',
    'each transaction',
    'subquery shapes',
    'transactions',
    'shapes it can change',
    'shapes applied per transaction',
    'server CPU per transaction',
    'Postgres CPU per transaction',
    'elapsed',
    'load (1 / 5 / 15 min)',
  ]
  const rows = results.map((result) => [
    result.scenario,
    result.writes,
    String(result.shapes),
    String(result.transactions),
    String(result.matchingShapesPerTransaction),
    result.applicationsPerTransaction?.toFixed(1) ?? '—',
    format(result.serverCpuMsPerTransaction),
    format(result.postgresCpuMsPerTransaction),
    `${(result.elapsedMs / 1000).toFixed(1)} s`,
    loadText(result.loadAverage),
  ])
  console.log(`\n${formatTable(header, rows)}`)
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

async function measureMemory(sql: postgres.Sql, server: ShapeServerProcess) {
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
    if ((await server.diagnostics()).heldRequests === held) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const withHeld = await server.heapUsed()
  for (const controller of controllers) controller.abort()
  await Promise.all(requests)
  for (;;) {
    if ((await server.diagnostics()).heldRequests === 0) break
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

const PARTS = ['latency', 'sync', 'memory', 'budget', 'subquery'] as const
type Part = (typeof PARTS)[number]

/** `SHAPE_BENCH_ONLY=latency,budget` runs only those parts (all by default). */
function requestedParts(): Set<Part> {
  const names = (process.env.SHAPE_BENCH_ONLY ?? PARTS.join(',')).split(',').map((name) => name.trim())
  const unknown = names.filter((name) => !PARTS.includes(name as Part))
  if (unknown.length > 0)
    throw new Error(`SHAPE_BENCH_ONLY: unknown part(s) ${unknown.join(', ')}; known: ${PARTS.join(', ')}`)
  return new Set(names as Part[])
}

const loadText = (load: readonly number[]) => load.map((value) => value.toFixed(2)).join(' / ')

function printLatency(results: LatencyResult[]) {
  const header = [
    'scenario',
    'live shapes',
    'client processes',
    'writes',
    'p50',
    'p99',
    'max',
    'p50 after commit',
    'p99 after commit',
    'retried',
    'load (1 min)',
  ]
  const rows = results.map((result) => [
    result.scenario,
    String(result.shapes),
    String(result.clientProcesses),
    String(result.writes),
    format(result.p50),
    format(result.p99),
    format(result.max),
    format(result.afterCommitP50),
    format(result.afterCommitP99),
    String(result.retried503),
    result.loadAverage.toFixed(2),
  ])
  console.log(`\n${formatTable(header, rows)}`)
  for (const result of results) {
    for (const [reason, count] of Object.entries(result.retryReasons)) {
      console.log(`${result.scenario}, ${result.shapes} shapes: retried ${count}× after ${reason}`)
    }
  }
}

function printBudget(budget: BudgetResult) {
  console.log(
    `\nMemory budget: ${budget.opened} distinct shapes opened in ${format(budget.elapsedMs)} against ` +
      `${megabytes(budget.budgetBytes)} (load ${loadText(budget.loadAverage)}); server process before the first shape: ` +
      `RSS ${megabytes(budget.baseline.rss)}, heap ${megabytes(budget.baseline.heapUsed)}.\n`,
  )
  const header = [
    'opened',
    'elapsed',
    'shapes held',
    'shape bytes',
    'allowed',
    'server heap (after GC)',
    'external',
    'server RSS',
  ]
  const rows = budget.samples.map((sample) => [
    String(sample.opened),
    `${(sample.elapsedMs / 1000).toFixed(0)} s`,
    String(sample.shapes),
    megabytes(sample.shapeBytes),
    megabytes(sample.shapeDataLimitBytes),
    megabytes(sample.heapUsed),
    megabytes(sample.external),
    megabytes(sample.rss),
  ])
  console.log(formatTable(header, rows))
  console.log(
    `\nShape data at most ${megabytes(budget.maxShapeBytes)}, server heap at most ${megabytes(budget.maxHeapUsed)} ` +
      `(${megabytes(budget.finalHeapUsed)} at the end), server RSS at most ${megabytes(budget.maxRss)} ` +
      `(sampled every second; kernel peak ${megabytes(budget.peakRss)}; ${megabytes(budget.finalRss)} at the end), ` +
      `${budget.shapesAtEnd} shapes kept at the end (${budget.evictedShapes} evicted); server CPU ${budget.serverCpuMsPerShape.toFixed(2)} ms per opened shape.`,
  )
  console.log(
    `Server RSS under the ${megabytes(budget.budgetBytes)} budget while ${budget.opened} shapes were opened: ` +
      `${budget.met ? 'MET' : 'NOT MET'} (peak ${megabytes(Math.max(budget.maxRss, budget.peakRss))}).`,
  )
}

export async function run(): Promise<void> {
  const parts = requestedParts()
  // A persistent data directory gives the same settings as the dev database (fsync and
  // synchronous_commit on); throwaway clusters defer WAL flushes, which delays replication by
  // up to wal_writer_delay (200 ms).
  const parent = mkdtempSync(join(tmpdir(), 'shape-server-bench-'))
  chmodSync(parent, 0o755)
  const postgresServer = await startEmbeddedPostgres({ port: await freePort(), dataDir: join(parent, 'data') })
  const sql = postgres(postgresServer.url, { max: 4, onnotice: () => {} })
  const mostLiveShapes = Number(process.env.SHAPE_BENCH_LIVE_SHAPES ?? 10_000)
  const server = await ShapeServerProcess.start(postgresServer.url, {
    // Loopback-only clients on this machine; no secret to thread through them.
    insecure: true,
    poolSize: 10,
    // Above the largest run (1 000 when SHAPE_BENCH_LIVE_SHAPES is smaller), or clients get 503s.
    maxLiveRequests: 2 * Math.max(1_000, mostLiveShapes),
    // The shape count cap (ELECTRIC_MAX_SHAPES, 5 000 by default) must hold every live shape of
    // the largest run plus the earlier runs' (they are released by idle expiry, not at once); past
    // it the least recently used shapes are dropped and their clients resync, which is not what
    // this measures.
    maxShapes: 2 * mostLiveShapes + 10_000,
  })
  const shapeUrl = `${server.url}/v1/shape`
  const metrics: Record<string, unknown> = { unit: 'ms, bytes' }
  try {
    console.log(
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${megabytes(totalmem())} RAM, Node ${process.version}; ` +
        `load average ${loadText(loadavg())} at the start`,
    )
    if (parts.has('latency')) {
      const equality = (index: number) => ({ where: 'shape_key = $1', 'params[1]': String(index) })
      const range = (index: number) => ({ where: 'shape_key BETWEEN $1 AND $1 + 0', 'params[1]': String(index) })
      const results: LatencyResult[] = []
      const counts = [...new Set([1, 100, 1000, mostLiveShapes])].sort((a, b) => a - b)
      for (const shapes of counts) {
        results.push(
          await measureLatency(sql, shapeUrl, 'equality where (in-process)', shapes, 200, equality, (index) => index),
        )
      }
      results.push(
        await measureLatency(sql, shapeUrl, 'range where (Postgres-evaluated)', 100, 200, range, (index) => index),
      )
      printLatency(results)
      metrics.latency = results
    }

    if (parts.has('sync')) {
      const sync = await measureInitialSync(sql, shapeUrl)
      console.log(
        `\nInitial sync of 100k rows: ${format(sync.rawMs)} until up-to-date over HTTP (new shape: snapshot + transfer, ` +
          `${megabytes(sync.bytes)} JSON); ${format(sync.clientMs)} with @electric-sql/client Shape on the existing shape (parsing included).`,
      )
      metrics.initialSync = sync
    }

    if (parts.has('memory')) {
      const memory = await measureMemory(sql, server)
      console.log(
        `\nMemory (server heap after GC): ${kilobytes(memory.perShape)} per shape (${memory.rowsPerShape}-row snapshot, where owner = $1), ` +
          `${kilobytes(memory.perHeldRequest)} per held live request; ${megabytes(memory.releasedBytes)} released after aborting them.`,
      )
      metrics.memory = memory
    }
    await server.stop()

    if (parts.has('budget')) {
      const budget = await measureMemoryBudget(
        sql,
        postgresServer.url,
        Number(process.env.SHAPE_BENCH_OPENED_SHAPES ?? 100_000),
      )
      printBudget(budget)
      metrics.memoryBudget = budget
    }

    if (parts.has('subquery')) {
      const shapes = Number(process.env.SHAPE_BENCH_SUBQUERY_SHAPES ?? 2_000)
      const dataDir = join(parent, 'data')
      const results = [
        ...(await measureSubqueryIndex(sql, postgresServer.url, dataDir, 'IN (SELECT …)', '', shapes)),
        ...(await measureSubqueryIndex(
          sql,
          postgresServer.url,
          dataDir,
          "IN (SELECT …) AND title <> 'hidden' (Postgres-evaluated)",
          "title <> 'hidden'",
          shapes,
        )),
      ]
      printSubqueryIndex(results)
      metrics.subqueryIndex = results
    }
    console.log(`\nWrote ${writeBenchResult(buildBenchResult('shape-server', metrics))}`)
  } finally {
    await server.stop()
    await sql.end()
    await postgresServer.stop()
    rmSync(parent, { recursive: true, force: true })
  }
}
