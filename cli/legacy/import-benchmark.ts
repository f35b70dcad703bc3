/**
 * `pnpm bench import`: 100k messages + 10k threads + 50k tool events imported into an empty
 * database, then the same files again (the no-op re-run). Each import runs in a fresh child
 * process so its peak RSS is its own; Postgres is a throwaway embedded cluster.
 * Targets on the reference machine (2 cores): import < 15 s, peak RSS < 300 MB.
 */
import { fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createDatabaseClient } from '~/db/client'
import { migrateDatabase } from '~/db/migrate'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'
import { freePort } from '../../dev/processes'
import { buildBenchResult, writeBenchResult } from '../../scripts/bench/bench-results'
import { importLegacyData } from './legacy-importer'
import { generateLegacyFiles } from './tests/fixtures/generate-legacy-files'

const CHILD_FLAG = '--legacy-import-bench-child'
const SIZE = { messages: 100_000, threads: 10_000, toolEvents: 50_000 }
const TARGET = { seconds: 15, rssMb: 300 }

interface ChildResult {
  status: string
  seconds: number
  peakRssMb: number
  startRssMb: number
}

async function importInChild(databaseUrl: string, dataDir: string): Promise<ChildResult> {
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, databaseUrl, dataDir], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    let result: ChildResult | undefined
    child.on('message', (message) => {
      result = message as ChildResult
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      result && code === 0 ? resolve(result) : reject(new Error(`bench child exited with ${code}`)),
    )
  })
}

async function runChild(databaseUrl: string, dataDir: string) {
  const startRssMb = process.memoryUsage().rss / 2 ** 20
  const client = createDatabaseClient(databaseUrl, { max: 2 })
  const started = performance.now()
  const result = await importLegacyData(
    { dataDir, dryRun: false, skipInvalid: false, forceMerge: false },
    { db: client.db },
  )
  const seconds = (performance.now() - started) / 1000
  await client.close()
  const peakRssMb = process.resourceUsage().maxRSS / 1024
  process.send?.({ status: result.status, seconds, peakRssMb, startRssMb } satisfies ChildResult)
  // The IPC channel would keep this child alive.
  process.disconnect?.()
}

const format = (value: number, digits = 1) => value.toFixed(digits)

export async function run(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-legacy-import-'))
  const postgres = await startEmbeddedPostgres({ port: await freePort() })
  try {
    await migrateDatabase(postgres.url, { log: () => {} })
    const dataDir = join(workDir, 'data')
    const generatedAt = performance.now()
    const generated = await generateLegacyFiles(dataDir, { ...SIZE, seed: 1 })
    console.log(
      `Generated ${generated.messages.toLocaleString('en-US')} messages, ${generated.threads.toLocaleString('en-US')} threads, ` +
        `${generated.toolEvents.toLocaleString('en-US')} tool events in ${format((performance.now() - generatedAt) / 1000)} s`,
    )

    const first = await importInChild(postgres.url, dataDir)
    const again = await importInChild(postgres.url, dataDir)
    const machine = `${cpus().length} cores, ${format(totalmem() / 2 ** 30, 0)} GiB, load average ${loadavg()
      .map((l) => format(l, 2))
      .join(' ')}`
    console.log(`\nLegacy import benchmark (${new Date().toISOString().slice(0, 10)}; ${machine})`)
    console.log(
      `  import into an empty database: ${format(first.seconds)} s (target < ${TARGET.seconds} s), status ${first.status}`,
    )
    console.log(
      `  peak RSS of the importing process: ${format(first.peakRssMb, 0)} MB (target < ${TARGET.rssMb} MB; ${format(first.startRssMb, 0)} MB at start)`,
    )
    console.log(`  re-run with the same files: ${format(again.seconds, 2)} s, status ${again.status}`)
    const record = buildBenchResult('import', { generated, firstImport: first, rerun: again, targets: TARGET })
    console.log(`  Wrote ${writeBenchResult(record)}`)
    if (first.status !== 'imported' || again.status !== 'nothing-to-do') process.exitCode = 1
    if (first.seconds > TARGET.seconds || first.peakRssMb > TARGET.rssMb) {
      console.log('  ⚠ above target on this run')
    }
  } finally {
    await postgres.stop()
    rmSync(workDir, { recursive: true, force: true })
  }
}

if (process.argv[2] === CHILD_FLAG) await runChild(process.argv[3], process.argv[4])
