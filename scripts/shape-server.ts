/**
 * `pnpm shape-server`: the embedded Electric-compatible shape server on DATABASE_URL, port
 * SHAPE_SERVER_PORT. Stops cleanly on SIGINT/SIGTERM (answers held requests, closes connections,
 * drops its replication slot).
 */
import { getConfigOrExit } from '../app.config.ts'
import { consoleLogger, startShapeServer } from '../src/shape-server/index.ts'

const config = getConfigOrExit()
const log = consoleLogger(config.LOG_LEVEL)

if (!config.DATABASE_URL) {
  console.error(
    'The shape server needs DATABASE_URL (a Postgres with wal_level=logical), e.g.\n' +
      '  DATABASE_URL=postgres://postgres:postgres@127.0.0.1:54329/postgres pnpm shape-server\n' +
      '`pnpm dev` / `pnpm start` start it with the embedded Postgres for you.',
  )
  process.exit(2)
}

let server: Awaited<ReturnType<typeof startShapeServer>>
try {
  server = await startShapeServer({
    databaseUrl: config.DATABASE_URL,
    port: config.SHAPE_SERVER_PORT,
    secret: config.ELECTRIC_SECRET,
    longPollTimeoutMs: config.SHAPE_SERVER_LONG_POLL_MS,
    log,
    onStatement: config.LOG_LEVEL === 'debug' ? (sql) => log.debug(`SQL ${sql.replace(/\s+/g, ' ')}`) : undefined,
  })
} catch (error) {
  console.error(`The shape server could not start: ${(error as Error).message}`)
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
    console.error(`Error while stopping the shape server: ${(error as Error).message}`)
    process.exit(1)
  }
}

process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))
