/**
 * `pnpm bench coach`: replies from a local fake OpenAI-compatible provider streaming 50 tokens/s
 * (dev/fake-openai-server.ts), through the real reply pipeline (startCoachReply: rows, 250 ms
 * throttle, tools) into Postgres, watched by a second client on the chat_messages shape through
 * the embedded shape server — what a second device's browser receives.
 *
 * Measures (issue 13):
 * - latency from the provider writing a reply's first token to that text arriving on the second
 *   client's shape stream (target p50 < 300 ms; the 250 ms throttle is part of it);
 * - row writes per reply (bounded by the throttle: about duration / 250 ms + 1);
 * - 50 concurrent replies without errors.
 */
import { randomBytes } from 'node:crypto'
import { type Row, ShapeStream } from '@electric-sql/client'
import { silentLogger, startShapeServer } from '@session-coach/shape-server'
import { createDatabaseClient } from '~/db/client'
import { migrateDatabase } from '~/db/migrate'
import type { CoachStreamChunk } from '~/domain/coach/stream-protocol'
import { startCoachReply } from '~/server/coach/coach-reply'
import { ensureLocalOwner } from '~/server/repositories/accounts-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { loadConfig } from '../../app.config'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'
import { startFakeOpenAIServer } from '../../dev/fake-openai-server'
import { freePort } from '../../dev/processes'
import { buildBenchResult, formatTable, summarize, writeBenchResult } from './bench-results'

const TOKENS_PER_SECOND = 50
const FILLER_WORDS = 60
const SEQUENTIAL_REPLIES = 12
const CONCURRENT_REPLIES = 50
const TARGET_P50_MS = 300

async function drain(response: Response) {
  const text = await response.text()
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CoachStreamChunk)
}

export async function run() {
  const pg = await startEmbeddedPostgres({ port: await freePort() })
  const fake = await startFakeOpenAIServer({ tokensPerSecond: TOKENS_PER_SECOND, fillerWords: FILLER_WORDS })
  const client = createDatabaseClient(pg.url, { max: 20 })
  const secret = randomBytes(16).toString('hex')
  let shapes: Awaited<ReturnType<typeof startShapeServer>> | undefined
  try {
    await migrateDatabase(pg.url, { log: () => {} })
    shapes = await startShapeServer({
      databaseUrl: pg.url,
      port: 0,
      secret,
      longPollTimeoutMs: 20_000,
      log: silentLogger,
    })
    const { db } = client
    const owner = await ensureLocalOwner(db)
    const { session } = await sessionsRepository.findOrCreateSession(db, {
      accountId: owner.account.id,
      sourceKey: `bench:${randomBytes(8).toString('hex')}`,
      title: 'Coach bench',
      source: 'upload',
      origin: 'codex',
    })
    const config = loadConfig({
      ENV_FILE: 'none',
      COACH_PROVIDER: 'openai-compatible',
      OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
      COACH_PROVIDER_TIMEOUT_MS: '60000',
    })

    // The second device: every change of the session's chat_messages, as the proxy would serve it.
    const seen = new Map<string, number>()
    const stream = new ShapeStream<Row>({
      url: `${shapes.url}/v1/shape`,
      params: { table: 'chat_messages', where: `session_id = '${session.id}'`, secret },
    })
    stream.subscribe((messages) => {
      const now = performance.now()
      for (const message of messages) {
        if (!('value' in message) || message.headers.operation !== 'update') continue
        // Updates carry the changed columns and the key; only replies grow (prompts never change).
        const value = message.value as { id?: string; content?: string }
        if (value.content && value.id && !seen.has(value.id)) seen.set(value.id, now)
      }
    })
    while (!stream.isUpToDate) await new Promise((resolve) => setTimeout(resolve, 20))

    const updatesBefore = async () =>
      Number(
        (await client.sql`select n_tup_upd::int as n from pg_stat_user_tables where relname = 'chat_messages'`)[0].n,
      )

    // Sequential replies: first token → second client, and row writes per reply.
    const latencies: number[] = []
    const writes: number[] = []
    const durations: number[] = []
    for (let i = 0; i < SEQUENTIAL_REPLIES; i++) {
      const before = await updatesBefore()
      const firstTokens = fake.firstTokenAt.length
      const started = performance.now()
      const chunks = await drain(
        await startCoachReply({ db, config }, session, {
          sessionId: session.id,
          mode: 'general',
          prompt: `Reply number ${i}`,
          clientMessageId: randomBytes(8).toString('hex'),
        }),
      )
      durations.push(performance.now() - started)
      const start = chunks[0]
      if (start?.type !== 'start' || chunks.at(-1)?.type !== 'done') throw new Error(`reply ${i} did not complete`)
      const deadline = Date.now() + 5_000
      while (!seen.has(start.assistantMessageId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      const arrived = seen.get(start.assistantMessageId)
      if (arrived === undefined) throw new Error(`reply ${i} never reached the second client`)
      latencies.push(arrived - fake.firstTokenAt[firstTokens])
      // pg_stat counters are updated asynchronously; give them a moment.
      await new Promise((r) => setTimeout(r, 700))
      writes.push((await updatesBefore()) - before)
    }

    // Concurrency: 50 replies at once, all complete.
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: CONCURRENT_REPLIES }, (_, i) =>
        startCoachReply({ db, config }, session, {
          sessionId: session.id,
          mode: 'general',
          prompt: `Concurrent ${i}`,
          clientMessageId: randomBytes(8).toString('hex'),
          threadId: undefined,
        })
          .then(drain)
          .then((chunks) => chunks.at(-1)),
      ),
    )
    const concurrentMs = performance.now() - started
    const failures = results.filter((done) => done?.type !== 'done' || done.status !== 'complete').length
    stream.unsubscribeAll()

    const latency = summarize(latencies)
    const metrics = {
      tokensPerSecond: TOKENS_PER_SECOND,
      replyTokens: FILLER_WORDS + 5,
      firstTokenToSecondClientMs: latency,
      rowUpdatesPerReply: summarize(writes),
      replyDurationMs: summarize(durations),
      concurrentReplies: CONCURRENT_REPLIES,
      concurrentFailures: failures,
      concurrentWallMs: Math.round(concurrentMs),
      targets: { p50BelowMs: TARGET_P50_MS, met: latency.median < TARGET_P50_MS && failures === 0 },
    }
    console.log(
      formatTable(
        ['metric', 'value'],
        [
          ['first token → second client, p50 / p99 (ms)', `${latency.median.toFixed(0)} / ${latency.p99.toFixed(0)}`],
          [
            'row updates per reply (median, max)',
            `${metrics.rowUpdatesPerReply.median} / ${metrics.rowUpdatesPerReply.max}`,
          ],
          ['reply duration, median (ms)', metrics.replyDurationMs.median.toFixed(0)],
          [`${CONCURRENT_REPLIES} concurrent replies: failures, wall (ms)`, `${failures}, ${metrics.concurrentWallMs}`],
          [`target p50 < ${TARGET_P50_MS} ms and no failures`, metrics.targets.met ? 'met' : 'NOT met'],
        ],
      ),
    )
    writeBenchResult(buildBenchResult('coach', metrics))
  } finally {
    await shapes?.close()
    await client.close()
    await fake.close()
    await pg.stop()
  }
}
