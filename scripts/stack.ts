/**
 * Runs the whole stack as one command: Postgres (embedded unless DATABASE_URL), migrations, the
 * shape server (unless ELECTRIC_URL) and the app (built server for `start`, Vite for `dev`).
 * One Ctrl-C stops everything; a child that dies takes the stack down loudly.
 *
 *   tsx scripts/stack.ts start [--ephemeral]   built app (builds first when sources are newer)
 *   tsx scripts/stack.ts dev   [--ephemeral]   Vite dev server with HMR
 *
 * --ephemeral uses a throwaway Postgres on a free port (tests, demos); data is deleted on exit.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import { z } from 'zod'
import { type AppConfig, getConfigOrExit } from '../app.config'
import { builtAppCommand, shapeServerCommand, viteCommand } from '../dev/commands'
import { type RunningPostgres, startEmbeddedPostgres } from '../dev/embedded-postgres'
import {
  buildIfStale,
  createDatabase,
  describeExit,
  freePort,
  HealthTimeoutError,
  startChild,
  stopChild,
  waitForHealthy,
} from '../dev/processes'
import { MigrationError, migrateDatabase, redactUrl } from '../src/db/migrate'

const argsSchema = z.object({
  mode: z.enum(['start', 'dev'], { message: "the first argument must be 'start' or 'dev'" }),
  ephemeral: z.boolean(),
})

function parseArgs(argv: string[]) {
  const unknown = argv.slice(1).filter((a) => a !== '--ephemeral')
  if (unknown.length > 0) fail(`Unknown option(s): ${unknown.join(' ')}. Usage: stack.ts <start|dev> [--ephemeral]`, 2)
  const parsed = argsSchema.safeParse({ mode: argv[0], ephemeral: argv.includes('--ephemeral') })
  if (!parsed.success) fail(`${parsed.error.issues[0].message}. Usage: stack.ts <start|dev> [--ephemeral]`, 2)
  return parsed.data
}

const DATABASE_NAME = 'session_coach'
const log = (line: string) => console.log(`[stack] ${line}`)

function fail(message: string, code = 1): never {
  console.error(`[stack] ${message}`)
  process.exit(code)
}

const children = new Map<string, ChildProcess>()
let database: RunningPostgres | undefined
let shuttingDown = false

async function shutdown(code: number) {
  if (shuttingDown) return
  shuttingDown = true
  for (const [name, child] of [...children].reverse()) {
    if (!(await stopChild(child, 10_000))) log(`${name} did not stop within 10 s; killed it`)
  }
  if (database) {
    log('stopping Postgres')
    await database.stop().catch((error) => console.error(`[stack] Postgres did not stop cleanly: ${error}`))
  }
  process.exit(code)
}

/** A child that dies takes the whole stack down, loudly. */
function supervise(name: string, command: string[], env: NodeJS.ProcessEnv) {
  const child = startChild({
    name,
    command,
    env,
    onExit: (code, signal) => {
      if (shuttingDown) return
      console.error(
        `\n[stack] !!! ${name} exited unexpectedly (${describeExit(code, signal)}). ` +
          'Stopping the whole stack; see its output above.\n',
      )
      void shutdown(1)
    },
  })
  children.set(name, child)
}

async function waitUntilHealthy(url: string, name: string, timeoutMs: number) {
  try {
    // Generous per request: the first request to `vite dev` compiles the server bundle.
    await waitForHealthy(url, { name, timeoutMs, requestTimeoutMs: 15_000, shouldStop: () => shuttingDown })
  } catch (error) {
    if (!(error instanceof HealthTimeoutError)) throw error
    console.error(`[stack] ${error.message}`)
    await shutdown(1)
  }
}

async function main() {
  const { mode, ephemeral } = parseArgs(process.argv.slice(2))
  const config: AppConfig = getConfigOrExit()
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  let databaseUrl = config.DATABASE_URL
  if (!databaseUrl) {
    const dataDir = resolve(config.DATA_DIR, 'postgres')
    const port = ephemeral ? await freePort() : config.EMBEDDED_PG_PORT
    log(
      ephemeral
        ? `starting a throwaway Postgres on port ${port}`
        : `starting Postgres (data in ${dataDir}, port ${port})`,
    )
    database = await startEmbeddedPostgres({
      port,
      dataDir: ephemeral ? undefined : dataDir,
      onUnexpectedExit: (code, signal) => {
        if (shuttingDown) return
        console.error(
          `\n[stack] !!! Postgres exited unexpectedly (${describeExit(code, signal)}). Stopping the whole stack.\n`,
        )
        void shutdown(1)
      },
    }).catch((error) => fail((error as Error).message))
    databaseUrl = await createDatabase(database.url, DATABASE_NAME, { ifMissing: true })
  }
  try {
    await migrateDatabase(databaseUrl, { log: (line) => log(line) })
  } catch (error) {
    console.error(`[stack] ${error instanceof MigrationError ? error.message : (error as Error).message}`)
    await shutdown(1)
  }

  const secret = config.ELECTRIC_SECRET ?? randomBytes(24).toString('hex')
  let electricUrl = config.ELECTRIC_URL
  if (!electricUrl) {
    const port = ephemeral ? await freePort() : config.SHAPE_SERVER_PORT
    electricUrl = `http://127.0.0.1:${port}`
    supervise('shape server', shapeServerCommand(), {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SHAPE_SERVER_PORT: String(port),
      ELECTRIC_SECRET: secret,
      // Shape logs survive a restart of the stack, so open tabs carry on without a full resync.
      ...(ephemeral ? {} : { ELECTRIC_STORAGE_DIR: resolve(config.DATA_DIR, 'shapes') }),
    })
    await waitUntilHealthy(`${electricUrl}/v1/health`, 'shape server', 60_000)
    log(`shape server ready at ${electricUrl}`)
  } else {
    log(`using Electric at ${electricUrl}`)
  }

  const appEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    ELECTRIC_URL: electricUrl,
    ELECTRIC_SECRET: secret,
    PORT: String(config.PORT),
    HOST: config.HOST,
  }
  if (mode === 'start') {
    try {
      buildIfStale(log)
    } catch (error) {
      console.error(`[stack] ${(error as Error).message}`)
      await shutdown(1)
    }
    supervise('app', builtAppCommand(), { ...appEnv, NODE_ENV: 'production' })
  } else {
    supervise('app', viteCommand('dev', '--port', String(config.PORT), '--host', config.HOST), appEnv)
  }
  const appUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`
  await waitUntilHealthy(`${appUrl}/api/health`, 'app', 120_000)
  log(`database ${redactUrl(databaseUrl)}`)
  log(`Session Coach is running at ${appUrl}  (Ctrl-C stops everything)`)
}

main().catch(async (error) => {
  console.error(`[stack] ${(error as Error).stack ?? error}`)
  await shutdown(1)
})
