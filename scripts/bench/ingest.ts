/**
 * `pnpm bench ingest`: a ≥ 100 MB Codex rollout through `POST /api/uploads` of the built app (MB/s,
 * events/s, the app's peak RSS); live tail latency (a line appended to a discovered log → its row in
 * a second client's shape stream, p50/p99); a re-scan of 1 000 unchanged files. Postgres is a
 * throwaway embedded cluster; the app and the shape server run as in `npm start`.
 * Targets (issue 10, 2-core machine): ≥ 20 MB/s, peak RSS < 400 MB, tail p99 < 1 s, re-scan < 1 s.
 */
import { randomUUID } from 'node:crypto'
import {
  appendFileSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { type Row, ShapeStream } from '@electric-sql/client'
import { createDatabaseClient } from '~/db/client'
import { accounts } from '~/db/schema'
import { SessionDiscovery } from '~/server/ingest/discovery/session-discovery'
import { buildBenchResult, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'
import { cpuSeconds, postgresCpuSeconds } from './process-cpu'

const FIXTURES = fileURLToPath(new URL('../../tests/fixtures/agent-logs/codex/', import.meta.url))
const ROLLOUTS = [
  'rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl',
  'rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl',
  'rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl',
]
const UPLOAD_BYTES = 100 * 1024 * 1024
const TAIL_SAMPLES = 60
const RESCAN_FILES = 1_000
const TARGET = { mbPerSecond: 20, rssMb: 400, tailP99Ms: 1_000, rescanMs: 1_000 }

const format = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits)
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

/** One session_meta, then the real rollouts' other lines repeated until the file passes `bytes`. */
function generateRollout(path: string, bytes: number) {
  const bodies = ROLLOUTS.map((name) =>
    readFileSync(join(FIXTURES, name), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0 && !line.includes('"type":"session_meta"'))
      .join('\n'),
  )
  const meta = readFileSync(join(FIXTURES, ROLLOUTS[0]), 'utf8')
    .split('\n')[0]
    .replace(/"id":"[^"]+"/, `"id":"${randomUUID()}"`)
  writeFileSync(path, `${meta}\n`)
  let size = Buffer.byteLength(meta) + 1
  for (let round = 0; size < bytes; round++) {
    const chunk = `${bodies[round % bodies.length]}\n`
    appendFileSync(path, chunk)
    size += Buffer.byteLength(chunk)
  }
  return size
}

/**
 * CPU used during the upload by each party. Unlike MB/s, these hardly depend on what else runs on
 * the machine, so they say what a quiet machine could do (see docs/benchmarks.md).
 */
function cpuMeter(appPid: number, postgresDataDir: string) {
  const start = { app: cpuSeconds(appPid), postgres: postgresCpuSeconds(postgresDataDir), bench: process.cpuUsage() }
  return () => {
    const bench = process.cpuUsage(start.bench)
    return {
      appCpuSeconds: cpuSeconds(appPid) - start.app,
      postgresCpuSeconds: postgresCpuSeconds(postgresDataDir) - start.postgres,
      /** This process: the upload client and the embedded shape server (it decodes every replicated row). */
      benchCpuSeconds: (bench.user + bench.system) / 1e6,
    }
  }
}

function peakRssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

/** A page navigation signs the local owner in; the cookie then authenticates API calls. */
async function signIn(appUrl: string) {
  const response = await fetch(`${appUrl}/sessions`, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } })
  const cookie = response.headers.getSetCookie().map((value) => value.split(';')[0])
  if (cookie.length === 0) throw new Error(`no session cookie from ${appUrl} (HTTP ${response.status})`)
  await response.arrayBuffer()
  return cookie.join('; ')
}

async function benchUpload(appUrl: string, cookie: string, path: string, appPid: number, postgresDataDir: string) {
  const size = statSync(path).size
  const cpu = cpuMeter(appPid, postgresDataDir)
  const started = performance.now()
  const response = await fetch(`${appUrl}/api/uploads?filename=bench-rollout.jsonl`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream', 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(path, { highWaterMark: 1024 * 1024 })) as ReadableStream,
    duplex: 'half',
  } as RequestInit)
  const body = (await response.json()) as { sessionId?: string; eventCount?: number; message?: string }
  const seconds = (performance.now() - started) / 1000
  if (response.status !== 201) throw new Error(`upload answered ${response.status}: ${body.message}`)
  const used = cpu()
  const sizeMb = size / 2 ** 20
  return {
    ...used,
    appCpuSecondsPerMb: used.appCpuSeconds / sizeMb,
    postgresCpuSecondsPerMb: used.postgresCpuSeconds / sizeMb,
    sizeMb: size / 2 ** 20,
    seconds,
    mbPerSecond: size / 2 ** 20 / seconds,
    events: body.eventCount ?? 0,
    eventsPerSecond: (body.eventCount ?? 0) / seconds,
    peakRssMb: peakRssMb(appPid),
  }
}

/** Appends one line at a time to a discovered log and times its arrival in a shape stream. */
async function benchTail(appUrl: string, cookie: string, dir: string, databaseUrl: string) {
  const id = randomUUID()
  const path = join(dir, `rollout-tail-${id}.jsonl`)
  const line = (text: string) =>
    `${JSON.stringify({ timestamp: new Date().toISOString(), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } })}\n`
  writeFileSync(
    path,
    `${JSON.stringify({ timestamp: new Date().toISOString(), type: 'session_meta', payload: { id, timestamp: new Date().toISOString(), cwd: '/bench/tail', cli_version: 'bench' } })}\n${line('first')}`,
  )
  const client = createDatabaseClient(databaseUrl, { max: 1 })
  let sessionId: string | undefined
  for (let waited = 0; !sessionId && waited < 60_000; waited += 100) {
    const rows = await client.sql<{ id: string }[]>`select id from sessions where source_key = ${id}`
    sessionId = rows[0]?.id
    if (!sessionId) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await client.close()
  if (!sessionId) throw new Error('discovery never created the tailed session')

  const arrived = new Map<string, number>()
  const stream = new ShapeStream<Row>({
    onError: (error) => {
      console.warn(`[tail] shape stream failed: ${error.message}`)
    },
    url: `${appUrl}/api/shape`,
    params: { shape: 'timeline_events', session: sessionId },
    fetchClient: (input, init) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), cookie } }),
  })
  let upToDate = false
  const unsubscribe = stream.subscribe((messages) => {
    for (const message of messages) {
      if ('headers' in message && message.headers.control === 'up-to-date') upToDate = true
      if (!('value' in message)) continue
      const marker = /tail-(\d+)/.exec(JSON.stringify(message.value))?.[1]
      if (marker && !arrived.has(marker)) arrived.set(marker, performance.now())
    }
  })
  const subscribedAt = performance.now()
  while (!upToDate) {
    if (performance.now() - subscribedAt > 30_000) throw new Error('the second client never caught up with the shape')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }

  const latencies: number[] = []
  for (let sample = 0; sample < TAIL_SAMPLES; sample++) {
    const appendedAt = performance.now()
    appendFileSync(path, line(`tail-${sample}`))
    const key = String(sample)
    while (!arrived.has(key) && performance.now() - appendedAt < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    latencies.push((arrived.get(key) ?? Number.NaN) - appendedAt)
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200))
  }
  unsubscribe()
  const sorted = latencies.filter(Number.isFinite).sort((a, b) => a - b)
  return {
    samples: sorted.length,
    lost: latencies.length - sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/** 1 000 small logs ingested once, then a timed scan that must find them all unchanged. */
async function benchRescan(databaseUrl: string, workDir: string) {
  const dir = join(workDir, 'rescan')
  const template = readFileSync(join(FIXTURES, ROLLOUTS[2]), 'utf8').split('\n').slice(0, 6).join('\n')
  for (let index = 0; index < RESCAN_FILES; index++) {
    const folder = join(dir, String(index % 40))
    mkdirSync(folder, { recursive: true })
    const path = join(folder, `rollout-${index}.jsonl`)
    writeFileSync(path, `${template.replace(/"id":"[^"]+"/, `"id":"rescan-${index}"`)}\n`)
  }
  const client = createDatabaseClient(databaseUrl, { max: 4 })
  const [account] = await client.db.insert(accounts).values({ name: 'rescan bench' }).returning()
  const discovery = new SessionDiscovery({
    client,
    dirs: [dir],
    resolveAccountId: async () => account.id,
    scanIntervalMs: 60_000,
    liveWindowMs: 0,
    log: { info: () => {}, warn: (message) => console.warn(`[rescan] ${message}`) },
  })
  const firstStarted = performance.now()
  const first = await discovery.scan()
  const firstMs = performance.now() - firstStarted
  const started = performance.now()
  const again = await discovery.scan()
  const rescanMs = performance.now() - started
  await client.close()
  return { first, firstMs, again, rescanMs }
}

export async function run(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-ingest-'))
  const tailDir = join(workDir, 'sessions')
  mkdirSync(tailDir)
  const stack = await startBenchStack({
    env: {
      UPLOAD_MAX_BYTES: String(1024 * 1024 * 1024),
      SESSION_DIRS: tailDir,
      SESSION_SCAN_INTERVAL_MS: '1000',
    },
  })
  const { app, appUrl, postgres } = stack
  try {
    const cookie = await signIn(appUrl)

    const rolloutPath = join(workDir, 'bench-rollout.jsonl')
    const generated = generateRollout(rolloutPath, UPLOAD_BYTES)
    console.log(`Generated a ${format(generated / 2 ** 20)} MB rollout`)
    const upload = await benchUpload(appUrl, cookie, rolloutPath, app.pid as number, postgres.dataDir)
    console.log('upload', upload)
    const rescan = await benchRescan(postgres.url, workDir)
    console.log('rescan', { ...rescan.again, ms: rescan.rescanMs, firstMs: rescan.firstMs })
    const tail = await benchTail(appUrl, cookie, tailDir, postgres.url).catch((error: Error) => {
      console.warn(`[tail] ${error.message}`)
      return { samples: 0, lost: TAIL_SAMPLES, p50: Number.NaN, p99: Number.NaN, max: Number.NaN }
    })
    console.log('tail', tail)

    const machine = `${cpus().length} cores, ${format(totalmem() / 2 ** 30, 0)} GiB, load average ${loadavg()
      .map((value) => format(value, 2))
      .join(' ')}`
    console.log(`Machine: ${machine}`)
    console.log('| measurement | result | target |')
    console.log('| --- | --- | --- |')
    console.log(
      `| upload ${format(upload.sizeMb)} MB (${upload.events.toLocaleString('en-US')} events) | ${format(upload.seconds)} s, ${format(upload.mbPerSecond)} MB/s, ${Math.round(upload.eventsPerSecond).toLocaleString('en-US')} events/s | ≥ ${TARGET.mbPerSecond} MB/s |`,
    )
    console.log(
      `| CPU during the upload | app ${format(upload.appCpuSeconds)} s (${format(upload.appCpuSecondsPerMb * 1000, 0)} ms/MB), Postgres ${format(upload.postgresCpuSeconds)} s (${format(upload.postgresCpuSecondsPerMb * 1000, 0)} ms/MB), bench process with the shape server ${format(upload.benchCpuSeconds)} s | |`,
    )
    console.log(`| app peak RSS during the upload | ${format(upload.peakRssMb, 0)} MB | < ${TARGET.rssMb} MB |`)
    console.log(
      `| live tail append → row in a second client (${tail.samples} samples${tail.lost ? `, ${tail.lost} lost` : ''}) | p50 ${format(tail.p50, 0)} ms, p99 ${format(tail.p99, 0)} ms, max ${format(tail.max, 0)} ms | p99 < ${TARGET.tailP99Ms} ms |`,
    )
    console.log(
      `| re-scan of ${rescan.again.files} unchanged files (${rescan.again.unchanged} skipped, ${rescan.again.read} read) | ${format(rescan.rescanMs, 0)} ms (first scan ingesting them: ${format(rescan.firstMs / 1000)} s) | < ${TARGET.rescanMs} ms |`,
    )
    const result = buildBenchResult('ingest', {
      upload,
      rescan: { ...rescan.again, ms: rescan.rescanMs, firstMs: rescan.firstMs },
      tail,
      targets: TARGET,
    })
    console.log(`Wrote ${writeBenchResult(result)}`)
  } finally {
    await stack.stop()
    rmSync(workDir, { recursive: true, force: true })
  }
}
