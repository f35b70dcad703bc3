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
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import postgres from 'postgres'
import { z } from 'zod'
import { type AppConfig, getConfigOrExit } from '../app.config'
import { freePort, type RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded-postgres'
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
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const exited = await waitForExit(child, 10_000)
      if (!exited) {
        log(`${name} did not stop within 10 s; killing it`)
        child.kill('SIGKILL')
      }
    }
  }
  if (database) {
    log('stopping Postgres')
    await database.stop().catch((error) => console.error(`[stack] Postgres did not stop cleanly: ${error}`))
  }
  process.exit(code)
}

function waitForExit(child: ChildProcess, timeoutMs: number) {
  return new Promise<boolean>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(true)
    const timer = setTimeout(() => done(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      done(true)
    })
  })
}

function startChild(name: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] })
  children.set(name, child)
  child.on('exit', (code, signal) => {
    if (shuttingDown) return
    console.error(
      `\n[stack] !!! ${name} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}). ` +
        'Stopping the whole stack; see its output above.\n',
    )
    void shutdown(1)
  })
  return child
}

async function waitForHttp(url: string, name: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (shuttingDown) return
    try {
      // Generous: the first request to `vite dev` compiles the server bundle.
      const response = await fetch(url, { signal: AbortSignal.timeout(15_000) })
      if (response.ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 200))
  }
  console.error(`[stack] ${name} did not become healthy at ${url} within ${timeoutMs / 1000} s`)
  await shutdown(1)
}

async function ensureDatabase(serverUrl: string) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    const rows = await admin`select 1 from pg_database where datname = ${DATABASE_NAME}`
    if (rows.length === 0) await admin.unsafe(`create database ${DATABASE_NAME}`)
  } finally {
    await admin.end()
  }
  return serverUrl.replace(/\/postgres$/, `/${DATABASE_NAME}`)
}

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function buildIfStale() {
  const serverEntry = '.output/server/index.mjs'
  const built = existsSync(serverEntry) ? statSync(serverEntry).mtimeMs : 0
  const sources = Math.max(newestMtime('src'), statSync('vite.config.ts').mtimeMs, statSync('app.config.ts').mtimeMs)
  if (built >= sources) return
  log('building the app (sources changed since the last build)')
  const result = spawnSync('pnpm', ['exec', 'vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
  if (result.status !== 0) fail('`vite build` failed; see the errors above.')
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
          `\n[stack] !!! Postgres exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}). Stopping the whole stack.\n`,
        )
        void shutdown(1)
      },
    }).catch((error) => fail((error as Error).message))
    databaseUrl = await ensureDatabase(database.url)
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
    startChild('shape server', process.execPath, ['--import', 'tsx', 'scripts/shape-server.ts'], {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SHAPE_SERVER_PORT: String(port),
      ELECTRIC_SECRET: secret,
    })
    await waitForHttp(`${electricUrl}/v1/health`, 'shape server', 60_000)
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
    buildIfStale()
    startChild('app', process.execPath, ['.output/server/index.mjs'], { ...appEnv, NODE_ENV: 'production' })
  } else {
    startChild('app', 'pnpm', ['exec', 'vite', 'dev', '--port', String(config.PORT), '--host', config.HOST], appEnv)
  }
  const appUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${config.PORT}`
  await waitForHttp(`${appUrl}/api/health`, 'app', 120_000)
  log(`database ${redactUrl(databaseUrl)}`)
  log(`Session Coach is running at ${appUrl}  (Ctrl-C stops everything)`)
}

main().catch(async (error) => {
  console.error(`[stack] ${(error as Error).stack ?? error}`)
  await shutdown(1)
})
