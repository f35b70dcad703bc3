/**
 * `pnpm bench load`: 200 simulated users against the built app in password mode, each with an
 * account and a session of its own, for 60 s. Each user loops: think 250–750 ms, then add a todo
 * (server function, 80 %), ask the coach (offline provider, streamed to the end, 15 %) or upload a
 * small agent log (5 %). Reported: operations per second, p50/p99 per kind, errors (target 0),
 * and the app's RSS sampled every 2 s. The users first run the same mix for a warm-up
 * (`LOAD_WARM_UP_SECONDS`, 30 s) that is not measured; "no growth" is then judged over the measured
 * window from the mean RSS of its first and last quarters and a least-squares slope, so one
 * garbage collection's swing does not read as growth or hide it.
 * `LOAD_USERS`, `LOAD_SECONDS` and `LOAD_WARM_UP_SECONDS` size a run.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createDatabaseClient } from '~/db/client'
import { hashPassword } from '~/server/auth/passwords'
import { generateSessionToken, hashSessionToken } from '~/server/auth/tokens'
import { authRepository } from '~/server/repositories/auth-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { serovalStrings, serverFunctionPath } from '../../dev/app-client'
import { buildBenchResult, formatTable, rssTrend, summarize, writeBenchResult } from './bench-results'
import { startBenchStack } from './bench-stack'
import { cpuSeconds, postgresCpuSeconds } from './process-cpu'

const USERS = Number(process.env.LOAD_USERS ?? 200)
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60)
const WARM_UP_SECONDS = Number(process.env.LOAD_WARM_UP_SECONDS ?? 30)
const RSS_SAMPLE_MS = 2_000
const CREATE_TODO = serverFunctionPath('src/server/functions/todos.ts', 'createTodo')
const LOG_FIXTURE = readFileSync('tests/fixtures/agent-logs/codex/synthetic-acme-api.jsonl', 'utf8')
const LOG_SESSION_ID = '019c38dc-6da6-70c2-b8bb-e2544936759c'

type Kind = 'todo' | 'coach' | 'upload'

interface User {
  cookie: string
  sessionId: string
}

function rssMiB(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024
}

async function act(appUrl: string, user: User, kind: Kind): Promise<number> {
  const headers = { cookie: user.cookie, origin: appUrl }
  let response: Response
  if (kind === 'todo') {
    response = await fetch(`${appUrl}${CREATE_TODO}`, {
      method: 'POST',
      headers: { ...headers, 'x-tsr-serverfn': 'true', 'content-type': 'application/json' },
      body: serovalStrings({ id: randomUUID(), text: `load ${randomUUID().slice(0, 8)}` }),
    })
  } else if (kind === 'coach') {
    response = await fetch(`${appUrl}/api/coach/stream`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionId: user.sessionId,
        mode: 'session',
        prompt: 'What went wrong in this session?',
        clientMessageId: randomUUID(),
      }),
    })
  } else {
    response = await fetch(`${appUrl}/api/uploads?filename=load.jsonl`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: LOG_FIXTURE.replaceAll(LOG_SESSION_ID, randomUUID()),
    })
  }
  // The whole answer (a coach reply streams until its last chunk) is part of the operation.
  await response.arrayBuffer()
  return response.status
}

export async function run() {
  const stack = await startBenchStack({
    env: { AUTH_MODE: 'password', COACH_PROVIDER: 'offline', COACH_OFFLINE_CHUNK_DELAY_MS: '15' },
  })
  const { appUrl } = stack
  const appPid = stack.app.pid as number
  const client = createDatabaseClient(stack.postgres.url, { max: 4 })
  try {
    // One password hash for every account: the benchmark measures the app, not scrypt.
    const passwordHash = await hashPassword('load-test-password')
    const users: User[] = []
    for (let index = 0; index < USERS; index++) {
      const principal = await authRepository.createPasswordUser(client.db, {
        email: `load-${index}@example.test`,
        displayName: `Load user ${index}`,
        passwordHash,
      })
      const token = generateSessionToken()
      await authRepository.createSession(client.db, { tokenHash: hashSessionToken(token), userId: principal.user.id })
      const { session } = await sessionsRepository.findOrCreateSession(client.db, {
        accountId: principal.account.id,
        sourceKey: `load:${randomUUID()}`,
        title: `Load session ${index}`,
        source: 'upload',
      })
      users.push({ cookie: `sc_session=${token}`, sessionId: session.id })
    }

    const latencies: Record<Kind, number[]> = { todo: [], coach: [], upload: [] }
    const errors: Record<string, number> = {}
    const rss: { second: number; mib: number }[] = []
    const started = performance.now()
    const measuredFrom = started + WARM_UP_SECONDS * 1000
    const deadline = measuredFrom + SECONDS * 1000
    let cpuBefore = cpuSeconds(appPid)
    let postgresCpuBefore = postgresCpuSeconds(stack.postgres.dataDir)
    const warmUpOver = setTimeout(() => {
      cpuBefore = cpuSeconds(appPid)
      postgresCpuBefore = postgresCpuSeconds(stack.postgres.dataDir)
    }, WARM_UP_SECONDS * 1000)
    const sampler = setInterval(() => {
      rss.push({ second: Math.round((performance.now() - started) / 1000), mib: Math.round(rssMiB(appPid)) })
    }, RSS_SAMPLE_MS)
    rss.push({ second: 0, mib: Math.round(rssMiB(appPid)) })

    await Promise.all(
      users.map(async (user, index) => {
        // Users start spread over the first second, as they would not all click at once.
        await new Promise((resolve) => setTimeout(resolve, (index * 1000) / USERS))
        while (performance.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 250 + Math.random() * 500))
          const roll = Math.random()
          const kind: Kind = roll < 0.8 ? 'todo' : roll < 0.95 ? 'coach' : 'upload'
          const begun = performance.now()
          try {
            const status = await act(appUrl, user, kind)
            // Errors count in the warm-up too (target: none at all); latencies only when measured.
            if (status >= 400) errors[`${kind} HTTP ${status}`] = (errors[`${kind} HTTP ${status}`] ?? 0) + 1
            else if (begun >= measuredFrom) latencies[kind].push(performance.now() - begun)
          } catch (error) {
            const key = `${kind} ${error instanceof Error ? error.message : String(error)}`
            errors[key] = (errors[key] ?? 0) + 1
          }
        }
      }),
    )
    clearInterval(sampler)
    clearTimeout(warmUpOver)
    const elapsed = (performance.now() - measuredFrom) / 1000
    const appCpu = cpuSeconds(appPid) - cpuBefore
    const postgresCpu = postgresCpuSeconds(stack.postgres.dataDir) - postgresCpuBefore
    const operations = Object.values(latencies).reduce((sum, list) => sum + list.length, 0)
    const errorCount = Object.values(errors).reduce((sum, count) => sum + count, 0)
    const trend = rssTrend(rss.filter((sample) => sample.second >= WARM_UP_SECONDS))

    const perKind = Object.fromEntries(
      (Object.keys(latencies) as Kind[])
        .filter((kind) => latencies[kind].length > 0)
        .map((kind) => [kind, summarize(latencies[kind])]),
    )
    const f = (value: number) => value.toFixed(1)
    console.log(
      `${USERS} users, ${SECONDS} s measured after a ${WARM_UP_SECONDS} s warm-up, think time 250–750 ms; ${operations} operations (${f(operations / elapsed)}/s), ${errorCount} errors; app CPU ${f(appCpu)} s (${f((appCpu * 1000) / Math.max(1, operations))} ms per operation), Postgres CPU ${f(postgresCpu)} s (${f((postgresCpu * 1000) / Math.max(1, operations))} ms per operation)`,
    )
    console.log(
      formatTable(
        ['operation', 'count', 'per second', 'p50 ms', 'p99 ms', 'max ms'],
        Object.entries(perKind).map(([kind, summary]) => [
          kind,
          String(summary.count),
          f(summary.count / elapsed),
          f(summary.median),
          f(summary.p99),
          f(summary.max),
        ]),
      ),
    )
    if (errorCount > 0) console.log(`Errors: ${JSON.stringify(errors)}`)
    console.log(`App RSS (MiB) every ${RSS_SAMPLE_MS / 1000} s: ${rss.map((sample) => sample.mib).join(' ')}`)
    console.log(
      `RSS over the measured window: first quarter ${f(trend.firstQuarterMiB)} MiB, last quarter ${f(trend.lastQuarterMiB)} MiB (${f(trend.growthMiB)} MiB), slope ${f(trend.slopeMiBPerMinute)} MiB/min. Target: 0 errors, no growth.`,
    )
    const result = buildBenchResult('load', {
      users: USERS,
      seconds: SECONDS,
      warmUpSeconds: WARM_UP_SECONDS,
      operations,
      operationsPerSecond: operations / elapsed,
      errors: errorCount,
      errorKinds: errors,
      appCpuSeconds: appCpu,
      postgresCpuSeconds: postgresCpu,
      perKind,
      rssMiB: rss,
      rssAfterWarmUp: trend,
    })
    console.log(`Wrote ${writeBenchResult(result)}`)
  } finally {
    await client.close()
    await stack.stop()
  }
}
