/**
 * `shape-server` (`pnpm shape-server` in the Session Coach repo): the Electric-compatible shape
 * server as a process. Stops cleanly on SIGINT/SIGTERM (answers held requests, closes connections,
 * drops its replication slot).
 */
import { parseCliOptions, USAGE } from './cli-options.ts'
import { errorMessage } from './errors.ts'
import { consoleLogger } from './logger.ts'
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

let server: RunningShapeServer
try {
  server = await startShapeServer({
    databaseUrl: options.databaseUrl,
    port: options.port,
    secret: options.secret,
    longPollTimeoutMs: options.longPollTimeoutMs,
    log,
    onStatement: options.logLevel === 'debug' ? (sql) => log.debug(`SQL ${sql.replace(/\s+/g, ' ')}`) : undefined,
  })
} catch (error) {
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
