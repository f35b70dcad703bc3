import { createDatabaseClient } from '~/db/client'
import { todos } from '~/db/schema'
import { findShape } from '~/server/shapes/shape-catalog'
import { buildUpstreamUrl } from '~/server/shapes/shape-proxy'
import { buildBenchResult, summarize, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'
import { cpuSeconds } from './process-cpu'

const ROWS = 100
const WARM_UP = 30
const SAMPLES = 400
const TARGET_ADDED_P50_MS = 3

/** A page navigation signs the local owner in; the cookie then authenticates API calls. */
async function signIn(appUrl: string) {
  const response = await fetch(`${appUrl}/`, { headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } })
  const cookie = response.headers.getSetCookie().map((value) => value.split(';')[0])
  if (cookie.length === 0) throw new Error(`no session cookie from ${appUrl} (HTTP ${response.status})`)
  await response.arrayBuffer()
  return cookie.join('; ')
}

/** Milliseconds until the whole body is read; fails on anything but 200. */
async function timed(url: string, headers: Record<string, string>) {
  const started = performance.now()
  const response = await fetch(url, { headers })
  const body = await response.arrayBuffer()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${Buffer.from(body).toString()}`)
  return { ms, response }
}

export async function run(): Promise<void> {
  const stack = await startBenchStack()
  const { app, appUrl, postgres, shapeServer, secret } = stack
  const client = createDatabaseClient(postgres.url, { max: 2 })
  try {
    const cookie = await signIn(appUrl)
    const [{ account_id: accountId }] = await client.sql<{ account_id: string }[]>`select account_id from users limit 1`
    await client.db
      .insert(todos)
      .values(Array.from({ length: ROWS }, (_, index) => ({ accountId, text: `bench todo ${index}` })))

    const definition = findShape('todos')
    if (!definition) throw new Error('the catalog has no todos shape')
    const direct = (query: string) =>
      buildUpstreamUrl(new URL(`http://app/api/shape?${query}`), definition, accountId, shapeServer.url, secret).href
    const proxied = (query: string) => `${appUrl}/api/shape?shape=todos&${query}`
    const auth = { cookie }

    // The shape's handle and latest offset, for catch-up requests.
    const first = (await timed(proxied('offset=-1'), auth)).response
    const handle = first.headers.get('electric-handle')
    const offset = first.headers.get('electric-offset')
    if (!handle || !offset) throw new Error('the shape answered without electric-handle / electric-offset')
    const kinds = {
      snapshot: 'offset=-1',
      'catch-up': `offset=${encodeURIComponent(offset)}&handle=${encodeURIComponent(handle)}`,
    }

    const results: Record<string, unknown> = {}
    const rows: string[] = []
    for (const [kind, query] of Object.entries(kinds)) {
      const samples = { direct: [] as number[], proxied: [] as number[] }
      for (let index = 0; index < WARM_UP; index++) {
        await timed(direct(query), {})
        await timed(proxied(query), auth)
      }
      let appCpu = 0
      for (let index = 0; index < SAMPLES; index++) {
        samples.direct.push((await timed(direct(query), {})).ms)
        const before = cpuSeconds(app.pid as number)
        samples.proxied.push((await timed(proxied(query), auth)).ms)
        appCpu += cpuSeconds(app.pid as number) - before
      }
      const summary = { direct: summarize(samples.direct), proxied: summarize(samples.proxied) }
      const added = {
        p50: summary.proxied.median - summary.direct.median,
        p99: summary.proxied.p99 - summary.direct.p99,
      }
      const appCpuMsPerRequest = (appCpu * 1000) / SAMPLES
      results[kind] = { ...summary, addedMs: added, appCpuMsPerRequest }
      rows.push(
        `| ${kind} | ${summary.direct.median.toFixed(2)} / ${summary.direct.p99.toFixed(2)} | ${summary.proxied.median.toFixed(2)} / ${summary.proxied.p99.toFixed(2)} | ${added.p50.toFixed(2)} / ${added.p99.toFixed(2)} | ${appCpuMsPerRequest.toFixed(2)} |`,
      )
    }
    console.log(`${SAMPLES} requests of each kind and path after ${WARM_UP} warm-up; ${ROWS} rows in the shape`)
    console.log(
      '| request | direct p50 / p99 ms | through /api/shape p50 / p99 ms | added p50 / p99 ms | app CPU ms per request |',
    )
    console.log('| --- | ---: | ---: | ---: | ---: |')
    for (const row of rows) console.log(row)
    console.log(`Target: at most ${TARGET_ADDED_P50_MS} ms added at p50.`)
    console.log(
      `Wrote ${writeBenchResult(buildBenchResult('proxy-overhead', { rows: ROWS, samples: SAMPLES, ...results }))}`,
    )
  } finally {
    await client.close()
    await stack.stop()
  }
}
