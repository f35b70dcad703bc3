/**
 * `pnpm bench sync-latency`: from the commit of a todo (the repository call a server function
 * makes, in its own transaction) to the row arriving in another client's TanStack DB collection
 * that syncs through the app's `/api/shape` with its session cookie — the real proxy, the real
 * shape server — with 1, 100 and 1 000 such live collections open (all of the same account, each
 * holding its own long-poll). Reported: p50/p99 for the first collection ("the second client")
 * and for the last of all collections to get the row. Target (issue 15) at 100 collections:
 * p50 ≤ 15 ms, p99 ≤ 60 ms.
 *
 * The second client runs on the main thread (with the writer and the shape server); the other
 * N − 1 collections run in a worker thread, as other browsers would run on machines of their own:
 * in one thread, the second client's row waited behind the parsing of everyone else's copy, which
 * measured the benchmark's own event loop rather than the sync path. They still share the
 * machine's two cores with the app, and every one of them holds a real long-poll through the proxy.
 */
import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { snakeCamelMapper } from '@electric-sql/client'
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { createDatabaseClient, type DatabaseClient } from '~/db/client'
import { todosRepository } from '~/server/repositories/todos-repository'
import { buildBenchResult, summarize, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'
import { cpuSeconds } from './process-cpu'

/** Live collections → measured todos (each todo answers and re-opens every collection's long-poll). */
const RUNS = [
  { collections: 1, samples: 60 },
  { collections: 100, samples: 40 },
  { collections: 1_000, samples: 10 },
].filter(
  (run) => !process.env.SYNC_BENCH_SIZES || process.env.SYNC_BENCH_SIZES.split(',').includes(String(run.collections)),
)
const WARM_UP = 3
/**
 * Pause after every collection had a todo, before the next commit: each commit should meet held
 * long-polls, not the previous commit's N re-requests still queued in the app (their cost is the
 * CPU per commit column). One commit every ~quarter second is still more than a person types.
 */
const PAUSE_BETWEEN_COMMITS_MS = 200
const ARRIVAL_TIMEOUT_MS = 60_000

type BenchTodo = { id: string; text: string }

const OTHER_CLIENTS_ROLE = 'sync-latency-other-clients'
type OtherClientsMessage =
  | { kind: 'loaded' }
  | { kind: 'failed'; reason: string }
  /** Epoch milliseconds at which the last of the worker's collections had the todo. */
  | { kind: 'arrived'; id: string; lastAt: number }
  | { kind: 'stopped' }

if (!isMainThread && workerData?.role === OTHER_CLIENTS_ROLE) void runOtherClients()

/** Worker side: N − 1 collections; reports when the last of them has each todo. */
async function runOtherClients() {
  const port = parentPort as NonNullable<typeof parentPort>
  const { appUrl, cookie, count } = workerData as { appUrl: string; cookie: string; count: number }
  const collections = Array.from({ length: count }, (_, index) => todosCollectionFor(appUrl, cookie, index + 1))
  const seenBy = new Map<string, number>()
  const subscriptions = collections.map((collection) =>
    collection.subscribeChanges((changes) => {
      for (const change of changes) {
        if (change.type !== 'insert') continue
        const id = String(change.key)
        const seen = (seenBy.get(id) ?? 0) + 1
        seenBy.set(id, seen)
        if (seen === count)
          port.postMessage({ kind: 'arrived', id, lastAt: performance.timeOrigin + performance.now() })
      }
    }),
  )
  port.on('message', async (message: { kind: 'stop' }) => {
    if (message.kind !== 'stop') return
    for (const subscription of subscriptions) subscription.unsubscribe()
    await Promise.all(collections.map((collection) => collection.cleanup()))
    port.postMessage({ kind: 'stopped' } satisfies OtherClientsMessage)
  })
  try {
    await Promise.all(collections.map((collection) => collection.preload()))
    port.postMessage({ kind: 'loaded' } satisfies OtherClientsMessage)
  } catch (error) {
    port.postMessage({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) })
  }
}

/** The other clients' worker: the last arrival of each todo among them, in this thread's clock. */
async function startOtherClients(appUrl: string, cookie: string, count: number) {
  // tsx's loader hooks are per thread: register them in the worker before loading this module.
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(bootstrap, { eval: true, workerData: { role: OTHER_CLIENTS_ROLE, appUrl, cookie, count } })
  const lastArrival = new Map<string, number>()
  let loaded: (error?: Error) => void = () => {}
  let stopped: () => void = () => {}
  const ready = new Promise<void>((resolve, reject) => {
    loaded = (error) => (error ? reject(error) : resolve())
  })
  worker.on('error', (error: Error) => loaded(error))
  worker.on('message', (message: OtherClientsMessage) => {
    if (message.kind === 'loaded') loaded()
    else if (message.kind === 'failed') loaded(new Error(message.reason))
    else if (message.kind === 'arrived') lastArrival.set(message.id, message.lastAt - performance.timeOrigin)
    else stopped()
  })
  return {
    ready,
    lastArrival,
    async stop() {
      const done = new Promise<void>((resolve) => {
        stopped = resolve
      })
      worker.postMessage({ kind: 'stop' })
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 10_000))])
      await worker.terminate()
    },
  }
}

async function signIn(appUrl: string) {
  const response = await fetch(`${appUrl}/`, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } })
  const cookie = response.headers.getSetCookie().map((value) => value.split(';')[0])
  if (cookie.length === 0) throw new Error(`no session cookie from ${appUrl} (HTTP ${response.status})`)
  await response.arrayBuffer()
  return cookie.join('; ')
}

function todosCollectionFor(appUrl: string, cookie: string, index: number) {
  return createCollection(
    electricCollectionOptions<BenchTodo>({
      id: `bench-todos-${index}-${randomUUID()}`,
      getKey: (row) => row.id,
      shapeOptions: {
        url: `${appUrl}/api/shape`,
        params: { shape: 'todos' },
        columnMapper: snakeCamelMapper(),
        fetchClient: (input, init) =>
          fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), cookie } }),
      },
    }),
  )
}

async function measure(
  appPid: number,
  appUrl: string,
  cookie: string,
  accountId: string,
  client: DatabaseClient,
  count: number,
  samples: number,
) {
  // The second client, on this thread; when it saw each todo id.
  const second = todosCollectionFor(appUrl, cookie, 0)
  const arrivals = new Map<string, number>()
  const subscription = second.subscribeChanges((changes) => {
    const now = performance.now()
    for (const change of changes) if (change.type === 'insert') arrivals.set(String(change.key), now)
  })
  const others = count > 1 ? await startOtherClients(appUrl, cookie, count - 1) : undefined
  const first: number[] = []
  const firstAfterCommit: number[] = []
  const last: number[] = []
  let appCpu = 0
  let benchCpu = 0
  try {
    // The shape client retries refused connections forever; a size the machine cannot load fails instead.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all([second.preload(), others?.ready]),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${count} collections did not finish loading within ${ARRIVAL_TIMEOUT_MS} ms`)),
          ARRIVAL_TIMEOUT_MS,
        )
      }),
    ]).finally(() => clearTimeout(timer))
    for (let sample = 0; sample < WARM_UP + samples; sample++) {
      const id = randomUUID()
      const cpuBefore = { app: cpuSeconds(appPid), bench: process.cpuUsage() }
      const started = performance.now()
      await todosRepository.createTodo(client.db, { accountId, id, text: `sync latency ${sample}` })
      const committed = performance.now()
      while (!arrivals.has(id) || (others && !others.lastArrival.has(id))) {
        if (performance.now() - started > ARRIVAL_TIMEOUT_MS) {
          throw new Error(`a todo did not reach all ${count} collections within ${ARRIVAL_TIMEOUT_MS} ms`)
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_COMMITS_MS))
      if (sample < WARM_UP) continue
      // Everything one commit cost, re-requests included (the pause lets them finish).
      appCpu += cpuSeconds(appPid) - cpuBefore.app
      const benchUsage = process.cpuUsage(cpuBefore.bench)
      benchCpu += (benchUsage.user + benchUsage.system) / 1e6
      const secondAt = arrivals.get(id) as number
      first.push(secondAt - started)
      firstAfterCommit.push(secondAt - committed)
      last.push(Math.max(secondAt, others?.lastArrival.get(id) ?? secondAt) - started)
    }
  } finally {
    subscription.unsubscribe()
    await second.cleanup()
    await others?.stop()
  }
  return {
    secondClient: summarize(first),
    secondClientAfterCommit: summarize(firstAfterCommit),
    lastCollection: summarize(last),
    appCpuMsPerCommit: (appCpu * 1000) / samples,
    benchCpuMsPerCommit: (benchCpu * 1000) / samples,
  }
}

export async function run(): Promise<void> {
  const stack = await startBenchStack()
  const { appUrl, postgres } = stack
  const client = createDatabaseClient(postgres.url, { max: 2 })
  const results: Record<string, unknown> = {}
  const rows: string[] = []
  try {
    const cookie = await signIn(appUrl)
    const [{ account_id: accountId }] = await client.sql<{ account_id: string }[]>`select account_id from users limit 1`

    for (const { collections: count, samples } of RUNS) {
      try {
        const summary = await measure(stack.app.pid as number, appUrl, cookie, accountId, client, count, samples)
        results[`collections-${count}`] = { samples, ...summary }
        const f = (value: number) => value.toFixed(1)
        rows.push(
          `| ${count} | ${f(summary.secondClient.median)} / ${f(summary.secondClient.p99)} | ${f(summary.secondClientAfterCommit.median)} / ${f(summary.secondClientAfterCommit.p99)} | ${f(summary.lastCollection.median)} / ${f(summary.lastCollection.p99)} | ${f(summary.appCpuMsPerCommit)} | ${f(summary.benchCpuMsPerCommit)} |`,
        )
      } catch (error) {
        // A size the machine cannot hold is a result too; the other sizes still count.
        const reason = error instanceof Error ? error.message : String(error)
        results[`collections-${count}`] = { samples, failed: reason }
        rows.push(`| ${count} | failed: ${reason} | | | | |`)
      }
      console.log(rows.at(-1))
    }
    console.log(
      `${RUNS.map((run) => `${run.samples} todos with ${run.collections}`).join(', ')} collections, after ${WARM_UP} warm-up each; the next commit ${PAUSE_BETWEEN_COMMITS_MS} ms after every collection had the last; ms`,
    )
    console.log(
      '| live collections | second client p50 / p99 | … after the commit returned | last collection p50 / p99 | app CPU per commit | bench CPU per commit |',
    )
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const row of rows) console.log(row)
    console.log('Target at 100 collections: p50 ≤ 15 ms, p99 ≤ 60 ms.')
    console.log(`Wrote ${writeBenchResult(buildBenchResult('sync-latency', results))}`)
  } finally {
    await client.close()
    await stack.stop()
  }
}
