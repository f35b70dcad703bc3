/**
 * `shape-server` (`pnpm shape-server` in the Session Coach repo): the Electric-compatible shape
 * server as a process. Stops cleanly on SIGINT/SIGTERM (answers held requests, closes connections,
 * drops its replication slot — or, with ELECTRIC_STORAGE_DIR, stores its shapes and keeps the slot).
 */
import { parseCliOptions, USAGE } from './cli-options.ts'
import { errorMessage } from './errors.ts'
import { consoleLogger } from './logger.ts'
import { MemoryBudgetTooSmallError } from './memory-budget.ts'
import { type RunningShapeServer, startShapeServer } from './server.ts'

const parsed = parseCliOptions(process.argv.slice(2), process.env)
if (parsed.kind === 'help') {
  console.log(USAGE)
  process.exit(0)
}
if (parsed.kind === 'invalid') {
  console.error(`The shape server cannot start:\n${parsed.problems.map((problem) => `  - ${problem}`).join('\n')}`)
  console.error(`\n${USAGE}`)
  process.exit(2)
}
const { options } = parsed
const log = consoleLogger(options.logLevel)
if (options.insecure) {
  // Printed whatever LOG_LEVEL says: nobody should run this way by accident.
  console.error(
    [
      '',
      '  !!! INSECURE: the shape server runs without ELECTRIC_SECRET (--insecure).',
      '  !!! Every program on this machine can read every table of the database, password hashes included.',
      '  !!! It listens on 127.0.0.1 only, answers only requests addressed to localhost, sends no CORS',
      '  !!! headers and refuses DELETE. Set ELECTRIC_SECRET for anything but a local experiment.',
      '',
    ].join('\n'),
  )
}

let server: RunningShapeServer
try {
  server = await startShapeServer({
    databaseUrl: options.databaseUrl,
    port: options.port,
    secret: options.secret,
    insecure: options.insecure,
    longPollTimeoutMs: options.longPollTimeoutMs,
    cacheMaxAge: options.cacheMaxAge,
    cacheStaleAge: options.cacheStaleAge,
    chunkBytes: options.chunkBytes,
    maxShapes: options.maxShapes,
    // The process budget is the only limit: the shape data gets what it leaves.
    maxMemoryBytes: options.memoryBudgetBytes,
    memoryBudgetBytes: options.memoryBudgetBytes,
    idleShapeMs: options.idleShapeMs,
    storageDir: options.storageDir,
    log,
    onStatement: options.logLevel === 'debug' ? (sql) => log.debug(`SQL ${sql.replace(/\s+/g, ' ')}`) : undefined,
  })
} catch (error) {
  if (error instanceof MemoryBudgetTooSmallError) {
    // A setting to fix, reported like the option problems above (and with their exit status).
    const given = Math.round(error.budgetBytes / 1024 / 1024)
    console.error(
      `The shape server cannot start:\n  - SHAPE_SERVER_MEMORY_BUDGET_MB (got "${given}"): ${error.message}`,
    )
    process.exit(2)
  }
  console.error(`The shape server could not start: ${errorMessage(error)}`)
  process.exit(1)
}

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log.info(`${signal} received, stopping`)
  const forced = setTimeout(() => {
    console.error('The shape server did not stop within 10 s; exiting anyway.')
    process.exit(1)
  }, 10_000)
  forced.unref()
  try {
    await server.close()
    process.exit(0)
  } catch (error) {
    console.error(`Error while stopping the shape server: ${errorMessage(error)}`)
    process.exit(1)
  }
}

process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
