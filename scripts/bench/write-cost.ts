/**
 * `pnpm bench write-cost`: the cost of appending one chat message with 0, 10k and 100k messages
 * already stored — our repository on Postgres versus the original product's JSON-file strategy,
 * reimplemented here as the baseline. Targets (issue 15): ours flat, t(100k)/t(0) ≤ 1.5 at the
 * median, and ≥ 50× faster than the baseline at 100k.
 *
 * Postgres is a throwaway embedded cluster with a data directory of its own, so fsync and
 * synchronous_commit stay on as in the dev database: every append we time is a durable commit.
 * Each size gets its own database and the appends go round-robin across the three, so a change
 * in machine load during the run hits every size alike and the flatness ratio stays meaningful.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { createDatabaseClient, type DatabaseClient } from '~/db/client'
import { migrateDatabase } from '~/db/migrate'
import { ensureLocalOwner } from '~/server/repositories/accounts-repository'
import { chatMessagesRepository } from '~/server/repositories/chat-messages-repository'
import { chatThreadsRepository } from '~/server/repositories/chat-threads-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'
import { freePort } from '../../dev/processes'
import { buildBenchResult, formatTable, type SampleSummary, summarize, writeBenchResult } from './bench-results'

const SIZES = [0, 10_000, 100_000] as const
const OURS = { warmup: 20, appends: 300 }
/** The baseline at 100k takes on the order of a second per append; fewer samples keep the run short. */
const BASELINE_APPENDS: Record<(typeof SIZES)[number], number> = { 0: 200, 10000: 60, 100000: 15 }
const TARGET = { flatness: 1.5, speedUp: 50 }

// Message texts of realistic length, used by both stores so they hold the same data.
const USER_TEXT = 'Why did the build fail at #42? Summarize the main changes and suggest commit messages.'
const ASSISTANT_TEXT =
  'Event #42 ran `rm -rf dist` before `pnpm lint`, and the test that followed assumed a fixed clock, ' +
  'so it failed once the migration moved the timestamps. Add a hook rule that asks before destructive ' +
  'commands, make the test inject its clock, and split the work into two commits: "Inject the clock into ' +
  'the timeline test" and "Guard rm -rf behind a confirmation hook".'

/** The original's `ChatMessageRecord` as written to its chat-messages.json (optional keys omitted). */
interface LegacyMessage {
  id: string
  sessionId: string
  mode: 'session' | 'general'
  threadId: string
  role: 'user' | 'assistant'
  content: string
  clientMessageId?: string
  createdAt: string
  updatedAt: string
}

const LEGACY_SESSION_ID = 'session-75706c6f6164732f7e2f2e636f6465782f736573'
const LEGACY_THREAD_ID = `thread_${randomUUID()}`

function legacyMessage(index: number, startMs: number): LegacyMessage {
  const at = new Date(startMs + index * 1000).toISOString()
  const user = index % 2 === 0
  return {
    id: `chat_${randomUUID()}`,
    sessionId: LEGACY_SESSION_ID,
    mode: 'session',
    threadId: LEGACY_THREAD_ID,
    role: user ? 'user' : 'assistant',
    content: user ? USER_TEXT : ASSISTANT_TEXT,
    ...(user ? { clientMessageId: randomUUID() } : {}),
    createdAt: at,
    updatedAt: at,
  }
}

const newUserMessage = (): LegacyMessage => ({ ...legacyMessage(0, Date.now()), clientMessageId: randomUUID() })

/** The original wrote the array sorted by id (its collection's key order), 2-space indented. */
async function seedLegacyFile(dir: string, count: number) {
  const startMs = Date.parse('2025-12-15T09:00:00.000Z')
  const records = Array.from({ length: count }, (_, index) => legacyMessage(index, startMs))
  records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'chat-messages.json'), JSON.stringify(records, null, 2))
}

const isDuplicate = (records: readonly LegacyMessage[], message: LegacyMessage) =>
  records.some(
    (record) =>
      record.sessionId === message.sessionId &&
      record.mode === message.mode &&
      record.threadId === message.threadId &&
      record.clientMessageId === message.clientMessageId,
  )

/**
 * Baseline as issue 15 states it: read the whole file, parse, check the client-id dedupe, push,
 * stringify with the original's formatting and write it back (plain writeFile, not atomic, with
 * `mkdir -p` before the read and before the write as the original did).
 */
async function appendByReadModifyWrite(dir: string, message: LegacyMessage) {
  const file = join(dir, 'chat-messages.json')
  await mkdir(dir, { recursive: true })
  let records: LegacyMessage[] = []
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (Array.isArray(parsed)) records = parsed as LegacyMessage[]
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  if (isDuplicate(records, message)) return
  records.push(message)
  await mkdir(dir, { recursive: true })
  await writeFile(file, JSON.stringify(records, null, 2))
}

/**
 * The original as built: the array lives in server memory (read once at start) and every mutation
 * rewrites the whole file. Cheaper than the issue's baseline by the read and the parse.
 */
async function appendByRewriteFromMemory(dir: string, records: LegacyMessage[], message: LegacyMessage) {
  if (isDuplicate(records, message)) return
  records.push(message)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'chat-messages.json'), JSON.stringify(records, null, 2))
}

interface OurStore {
  size: number
  client: DatabaseClient
  accountId: string
  threadId: string
}

/**
 * Bench-only seeding, not application code: one set-based INSERT instead of 100k appends
 * (the application writes only through repositories). Rows match what appendMessage writes:
 * alternating user/assistant, gap-free seq, client ids on user messages; the thread's counters
 * are set to match. VACUUM ANALYZE leaves the table as autovacuum would after a bulk load.
 */
async function seedOurStore(databaseUrl: string, size: number): Promise<OurStore> {
  await migrateDatabase(databaseUrl, { log: () => {} })
  const client = createDatabaseClient(databaseUrl, { max: 2 })
  const { account } = await ensureLocalOwner(client.db)
  const { session } = await sessionsRepository.findOrCreateSession(client.db, {
    accountId: account.id,
    sourceKey: `bench:write-cost:${size}`,
    title: 'write-cost benchmark',
    source: 'upload',
  })
  const { thread } = await chatThreadsRepository.getOrCreateActiveThread(client.db, {
    accountId: account.id,
    sessionId: session.id,
    mode: 'session',
  })
  if (size > 0) {
    await client.sql`
      insert into chat_messages
        (thread_id, session_id, account_id, mode, role, content, seq, client_message_id, created_at, updated_at)
      select ${thread.id}, ${session.id}, ${account.id}, 'session',
        case when i % 2 = 1 then 'user' else 'assistant' end,
        case when i % 2 = 1 then ${USER_TEXT}::text else ${ASSISTANT_TEXT}::text end,
        i,
        case when i % 2 = 1 then gen_random_uuid()::text end,
        now() - make_interval(secs => ${size} - i), now() - make_interval(secs => ${size} - i)
      from generate_series(1, ${size}::int) as i`
    await client.sql`
      update chat_threads set message_count = ${size}, last_message_preview = 'seeded', last_message_at = now()
      where id = ${thread.id}`
  }
  await client.sql`vacuum analyze chat_messages`
  return { size, client, accountId: account.id, threadId: thread.id }
}

async function appendOurs(store: OurStore) {
  const started = performance.now()
  await chatMessagesRepository.appendMessage(store.client.db, {
    accountId: store.accountId,
    threadId: store.threadId,
    role: 'user',
    content: USER_TEXT,
    clientMessageId: randomUUID(),
  })
  return performance.now() - started
}

async function timeBaseline(appends: number, append: () => Promise<void>) {
  const samples: number[] = []
  for (let index = 0; index < appends; index++) {
    const started = performance.now()
    await append()
    samples.push(performance.now() - started)
  }
  return summarize(samples)
}

const ms = (value: number) => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`)
const count = (value: number) => value.toLocaleString('en-US')

interface Row {
  store: 'ours' | 'baseline: read-modify-write' | 'baseline: in-memory rewrite'
  stored: number
  fileMiB?: number
  summary: SampleSummary
}

export async function run(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-write-cost-'))
  // A data directory of our own keeps fsync and synchronous_commit on (see the header comment).
  const cluster = await startEmbeddedPostgres({ port: await freePort(), dataDir: join(workDir, 'postgres') })
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} })
  const stores: OurStore[] = []
  const rows: Row[] = []
  try {
    const runStarted = performance.now()
    for (const size of SIZES) {
      const database = `write_cost_${size}`
      await admin.unsafe(`create database ${database}`)
      const url = new URL(cluster.url)
      url.pathname = `/${database}`
      const seeded = performance.now()
      stores.push(await seedOurStore(url.toString(), size))
      console.log(`Seeded Postgres with ${count(size)} messages in ${ms(performance.now() - seeded)}`)
    }

    for (let round = 0; round < OURS.warmup; round++) for (const store of stores) await appendOurs(store)
    const samples = new Map(stores.map((store) => [store.size, [] as number[]]))
    for (let round = 0; round < OURS.appends; round++) {
      for (const store of stores) samples.get(store.size)?.push(await appendOurs(store))
    }
    for (const store of stores) {
      rows.push({ store: 'ours', stored: store.size, summary: summarize(samples.get(store.size) ?? []) })
    }

    for (const size of SIZES) {
      const dir = join(workDir, `legacy-${size}`, 'data')
      mkdirSync(dir, { recursive: true })
      if (size > 0) await seedLegacyFile(dir, size)
      const fileMiB = size > 0 ? statSync(join(dir, 'chat-messages.json')).size / 2 ** 20 : 0
      const readModifyWrite = await timeBaseline(BASELINE_APPENDS[size], () =>
        appendByReadModifyWrite(dir, newUserMessage()),
      )
      rows.push({ store: 'baseline: read-modify-write', stored: size, fileMiB, summary: readModifyWrite })

      if (size > 0) await seedLegacyFile(dir, size)
      const inMemory: LegacyMessage[] =
        size > 0 ? JSON.parse(await readFile(join(dir, 'chat-messages.json'), 'utf8')) : []
      const rewrite = await timeBaseline(BASELINE_APPENDS[size], () =>
        appendByRewriteFromMemory(dir, inMemory, newUserMessage()),
      )
      rows.push({ store: 'baseline: in-memory rewrite', stored: size, fileMiB, summary: rewrite })
      console.log(`Baseline at ${count(size)} messages (${fileMiB.toFixed(1)} MiB file) measured`)
    }

    const median = (store: Row['store'], stored: number) =>
      rows.find((row) => row.store === store && row.stored === stored)?.summary.median ?? Number.NaN
    const largest = SIZES[SIZES.length - 1]
    const flatness = median('ours', largest) / median('ours', 0)
    const speedUp = median('baseline: read-modify-write', largest) / median('ours', largest)
    const speedUpInMemory = median('baseline: in-memory rewrite', largest) / median('ours', largest)

    console.log(
      `\n${formatTable(
        ['store', 'messages stored', 'file size', 'appends', 'median', 'p99', 'max'],
        rows.map((row) => [
          row.store,
          count(row.stored),
          row.fileMiB === undefined ? '—' : `${row.fileMiB.toFixed(1)} MiB`,
          String(row.summary.count),
          ms(row.summary.median),
          ms(row.summary.p99),
          ms(row.summary.max),
        ]),
      )}\n`,
    )
    const verdict = (met: boolean) => (met ? 'met' : 'NOT met')
    console.log(
      `ours t(${count(largest)})/t(0) at the median: ${flatness.toFixed(2)} (target ≤ ${TARGET.flatness}: ${verdict(flatness <= TARGET.flatness)})`,
    )
    console.log(
      `speed-up at ${count(largest)} vs read-modify-write: ${speedUp.toFixed(0)}× (target ≥ ${TARGET.speedUp}×: ${verdict(speedUp >= TARGET.speedUp)}); ` +
        `vs in-memory rewrite: ${speedUpInMemory.toFixed(0)}×`,
    )
    const result = buildBenchResult('write-cost', {
      unit: 'ms per append',
      postgres: 'embedded PostgreSQL, fsync and synchronous_commit on',
      rows: rows.map(({ summary, ...row }) => ({ ...row, ...summary })),
      flatness,
      speedUpAtLargest: speedUp,
      speedUpAtLargestVsInMemoryRewrite: speedUpInMemory,
      targets: TARGET,
      runSeconds: (performance.now() - runStarted) / 1000,
    })
    console.log(`Load average at the end: ${result.machine.loadAverage.join(' ')}`)
    console.log(`Wrote ${writeBenchResult(result)}`)
  } finally {
    await Promise.all(stores.map((store) => store.client.close()))
    await admin.end({ timeout: 5 })
    await cluster.stop()
    rmSync(workDir, { recursive: true, force: true })
  }
}
