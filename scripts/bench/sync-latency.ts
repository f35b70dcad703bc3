/**
 * `pnpm bench sync-latency`: from the commit of a todo (the repository call a server function
 * makes, in its own transaction) to the row arriving in another client's TanStack DB collection
 * that syncs through the app's `/api/shape` with its session cookie — the real proxy, the real
 * shape server — with 1, 100 and 1 000 such live collections open (all of the same account, each
 * holding its own long-poll). Reported: p50/p99 for the first collection ("the second client")
 * and for the last of all collections to get the row. Target (issue 15) at 100 collections:
 * p50 ≤ 15 ms, p99 ≤ 60 ms.
 */
import { randomUUID } from 'node:crypto'
import { snakeCamelMapper } from '@electric-sql/client'
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { createDatabaseClient, type DatabaseClient } from '~/db/client'
import { todosRepository } from '~/server/repositories/todos-repository'
import { buildBenchResult, summarize, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'

/** Live collections → measured todos (each todo answers and re-opens every collection's long-poll). */
const RUNS = [
  { collections: 1, samples: 60 },
  { collections: 100, samples: 40 },
  { collections: 1_000, samples: 10 },
]
const WARM_UP = 3
const ARRIVAL_TIMEOUT_MS = 60_000

type BenchTodo = { id: string; text: string }

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
  appUrl: string,
  cookie: string,
  accountId: string,
  client: DatabaseClient,
  count: number,
  samples: number,
) {
  const collections = Array.from({ length: count }, (_, index) => todosCollectionFor(appUrl, cookie, index))
  // When each collection saw each todo id.
  const arrivals = collections.map(() => new Map<string, number>())
  const subscriptions = collections.map((collection, index) =>
    collection.subscribeChanges((changes) => {
      const now = performance.now()
      for (const change of changes) if (change.type === 'insert') arrivals[index].set(String(change.key), now)
    }),
  )
  const first: number[] = []
  const firstAfterCommit: number[] = []
  const last: number[] = []
  try {
    // The shape client retries refused connections forever; a size the machine cannot load fails instead.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(collections.map((collection) => collection.preload())),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${count} collections did not finish loading within ${ARRIVAL_TIMEOUT_MS} ms`)),
          ARRIVAL_TIMEOUT_MS,
        )
      }),
    ]).finally(() => clearTimeout(timer))
    for (let sample = 0; sample < WARM_UP + samples; sample++) {
      const id = randomUUID()
      const started = performance.now()
      await todosRepository.createTodo(client.db, { accountId, id, text: `sync latency ${sample}` })
      const committed = performance.now()
      while (arrivals.some((seen) => !seen.has(id))) {
        if (performance.now() - started > ARRIVAL_TIMEOUT_MS) {
          throw new Error(`a todo did not reach all ${count} collections within ${ARRIVAL_TIMEOUT_MS} ms`)
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      if (sample < WARM_UP) continue
      const times = arrivals.map((seen) => seen.get(id) as number)
      first.push(times[0] - started)
      firstAfterCommit.push(times[0] - committed)
      last.push(Math.max(...times) - started)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe()
    await Promise.all(collections.map((collection) => collection.cleanup()))
  }
  return {
    secondClient: summarize(first),
    secondClientAfterCommit: summarize(firstAfterCommit),
    lastCollection: summarize(last),
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
        const summary = await measure(appUrl, cookie, accountId, client, count, samples)
        results[`collections-${count}`] = { samples, ...summary }
        const f = (value: number) => value.toFixed(1)
        rows.push(
          `| ${count} | ${f(summary.secondClient.median)} / ${f(summary.secondClient.p99)} | ${f(summary.secondClientAfterCommit.median)} / ${f(summary.secondClientAfterCommit.p99)} | ${f(summary.lastCollection.median)} / ${f(summary.lastCollection.p99)} |`,
        )
      } catch (error) {
        // A size the machine cannot hold is a result too; the other sizes still count.
        const reason = error instanceof Error ? error.message : String(error)
        results[`collections-${count}`] = { samples, failed: reason }
        rows.push(`| ${count} | failed: ${reason} | | |`)
      }
      console.log(rows.at(-1))
    }
    console.log(
      `${RUNS.map((run) => `${run.samples} todos with ${run.collections}`).join(', ')} collections, after ${WARM_UP} warm-up each; ms`,
    )
    console.log(
      '| live collections | second client p50 / p99 | … after the commit returned | last collection p50 / p99 |',
    )
    console.log('| ---: | ---: | ---: | ---: |')
    for (const row of rows) console.log(row)
    console.log('Target at 100 collections: p50 ≤ 15 ms, p99 ≤ 60 ms.')
    console.log(`Wrote ${writeBenchResult(buildBenchResult('sync-latency', results))}`)
  } finally {
    await client.close()
    await stack.stop()
  }
}
