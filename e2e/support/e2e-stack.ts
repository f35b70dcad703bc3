/**
 * The stack Playwright tests run against (started as playwright.config.ts's webServer):
 *
 *   throwaway Postgres ── shape server "main" ─┬─ app :3300 (AUTH_MODE=local, tails E2E_AGENT_LOG_DIR)
 *                                               └─ app :3301 (AUTH_MODE=local)
 *   throwaway Postgres ── shape server "password" ─┬─ app :3302 (AUTH_MODE=password, ALLOW_SIGNUP=true)
 *                                                   └─ app :3303 (AUTH_MODE=password, sign-up closed)
 *   throwaway Postgres ── shape server "restart" ── app :3304 (AUTH_MODE=local)
 *
 * Separate clusters, not databases: a shape server's replication slot name is cluster-wide. The
 * "restart" trio exists so the spec that stops and starts a shape server can do it while the other
 * Playwright worker keeps using "main" and "password".
 * plus a control endpoint on :3399 (`GET /ready`, `POST /shape-servers/<name>/stop|start`) so a
 * spec can take a shape server down and bring it back on the same port, the way a crash and a
 * restart look to the app, and `POST /accounts` makes a signed-in password-mode account straight
 * in the password database (`account-seeder.ts`) for specs that do not test the sign-up form. Unlike `scripts/stack.ts`, a child that exits is reported but does not
 * stop the stack: the specs that need it fail with that message in the log.
 *
 * Runs the built server (`.output/server/index.mjs`); `npm test` builds first, and a stale or
 * missing build is rebuilt here so `pnpm exec playwright test` alone also works.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { builtAppCommand, shapeServerCommand } from '../../dev/commands'
import { type RunningPostgres, startEmbeddedPostgres } from '../../dev/embedded-postgres'
import {
  buildIfStale,
  createDatabase,
  describeExit,
  freePort,
  hasExited,
  startChild,
  stopChild,
  waitForHealthy,
} from '../../dev/processes'
import { migrateDatabase } from '../../src/db/migrate'
import { ConflictError } from '../../src/server/repositories/errors'
import { createAccountSeeder, newAccountSchema } from './account-seeder'
import { appUrl, E2E_AGENT_LOG_DIR, E2E_HOST, E2E_PORTS } from './e2e-ports'

const log = (line: string) => console.log(`[e2e-stack] ${line}`)

interface ManagedProcess {
  name: string
  command: string[]
  env: NodeJS.ProcessEnv
  healthUrl: string
  child?: ChildProcess
  /** Set while a spec (or shutdown) stops it on purpose, so the exit is not reported as a crash. */
  stopping: boolean
}

const processes = new Map<string, ManagedProcess>()
const clusters: RunningPostgres[] = []
let shuttingDown = false

/** Output is prefixed with the process name, so a failing spec's log says which process spoke. */
async function startProcess(managed: ManagedProcess) {
  managed.stopping = false
  managed.child = startChild({
    name: managed.name,
    command: managed.command,
    env: managed.env,
    output: 'prefixed',
    onExit: (code, signal) => {
      if (managed.stopping || shuttingDown) return
      console.error(
        `[e2e-stack] !!! ${managed.name} exited unexpectedly (${describeExit(code, signal)}); ` +
          'specs that need it will fail. See its output above.',
      )
    },
  })
  await waitForHealthy(managed.healthUrl, { name: managed.name, timeoutMs: 60_000 })
}

async function stopProcess(managed: ManagedProcess) {
  if (!managed.child || hasExited(managed.child)) return
  managed.stopping = true
  // After SIGTERM the built app logs "Server closed" but stays alive while its postgres.js pool
  // still holds connections (until they idle out), so it gets a few seconds before SIGKILL.
  await stopChild(managed.child, 8_000)
}

function register(managed: Omit<ManagedProcess, 'stopping'>) {
  const entry = { ...managed, stopping: false }
  processes.set(entry.name, entry)
  return entry
}

async function startMigratedDatabase(name: string) {
  const cluster = await startEmbeddedPostgres({
    port: await freePort(),
    onUnexpectedExit: (code, signal) => {
      if (shuttingDown) return
      console.error(`[e2e-stack] !!! Postgres for ${name} exited unexpectedly (${describeExit(code, signal)}).`)
    },
  })
  clusters.push(cluster)
  const url = await createDatabase(cluster.url, name)
  await migrateDatabase(url, { log: () => {} })
  return url
}

function shapeServer(name: string, databaseUrl: string, port: number, secret: string) {
  return register({
    name: `shape-server:${name}`,
    command: shapeServerCommand(),
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SHAPE_SERVER_PORT: String(port),
      ELECTRIC_SECRET: secret,
      LOG_LEVEL: 'warn',
      // The stack is described completely here; a developer's `.env` must not change it.
      ENV_FILE: 'none',
      // Short long-polls: a browser whose session was revoked hears the 401 within seconds.
      SHAPE_SERVER_LONG_POLL_MS: '3000',
    },
    healthUrl: `${appUrl(port)}/v1/health`,
  })
}

function appServer(
  port: number,
  authMode: 'local' | 'password',
  databaseUrl: string,
  electricUrl: string,
  secret: string,
  extraEnv: NodeJS.ProcessEnv = {},
) {
  return register({
    name: `app:${port}`,
    command: builtAppCommand(),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: E2E_HOST,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      ELECTRIC_URL: electricUrl,
      ELECTRIC_SECRET: secret,
      AUTH_MODE: authMode,
      LOG_LEVEL: 'warn',
      // Never the machine's own agent logs: specs upload what they need.
      SESSION_DIRS: '',
      // The stack is described completely here; a developer's `.env` must not change it.
      ENV_FILE: 'none',
      // The offline coach paced like a model, so a reply can be watched growing and stopped.
      COACH_PROVIDER: 'offline',
      COACH_OFFLINE_CHUNK_DELAY_MS: '100',
      ...extraEnv,
    },
    healthUrl: `${appUrl(port)}/api/health`,
  })
}

let ready = false
let accountSeeder: ReturnType<typeof createAccountSeeder> | undefined

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body))
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return undefined
  }
}

/** `POST /accounts` `{ email, name, password }` → `{ token, userId }`: the new account's session cookie value. */
async function createAccount(request: IncomingMessage, response: ServerResponse) {
  const input = newAccountSchema.safeParse(await readJson(request))
  if (!input.success) {
    return reply(response, 400, { message: input.error.issues.map((issue) => issue.message).join('; ') })
  }
  if (!accountSeeder) return reply(response, 503, { message: 'the stack is not ready yet' })
  try {
    reply(response, 201, await accountSeeder.create(input.data))
  } catch (error) {
    if (error instanceof ConflictError) return reply(response, 409, { message: error.message })
    reply(response, 500, { message: (error as Error).message })
  }
}

/**
 * `POST /shape-servers/<main|password|restart>/<stop|start>`, `POST /accounts` and `GET /ready`;
 * loopback only.
 */
async function handleControl(request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://control').pathname
  if (request.method === 'GET' && path === '/ready') return reply(response, ready ? 200 : 503, { ready })
  if (request.method === 'POST' && path === '/accounts') return createAccount(request, response)
  const match = /^\/shape-servers\/([a-z]+)\/(stop|start)$/.exec(path)
  const managed = match ? processes.get(`shape-server:${match[1]}`) : undefined
  if (request.method !== 'POST' || !match || !managed) return reply(response, 404, { message: 'unknown control' })
  try {
    if (match[2] === 'stop') await stopProcess(managed)
    else if (!managed.child || hasExited(managed.child)) await startProcess(managed)
    log(`${managed.name} ${match[2] === 'stop' ? 'stopped' : 'running'} (requested by a spec)`)
    reply(response, 200, { ok: true })
  } catch (error) {
    reply(response, 500, { message: (error as Error).message })
  }
}

async function shutdown(code: number) {
  if (shuttingDown) return
  shuttingDown = true
  // Apps first (they hold connections to the shape servers and Postgres), then shape servers.
  const ordered = [...processes.values()].reverse()
  await Promise.all(ordered.filter((p) => p.name.startsWith('app:')).map(stopProcess))
  await Promise.all(ordered.filter((p) => !p.name.startsWith('app:')).map(stopProcess))
  await accountSeeder?.close().catch(() => {})
  await Promise.all(
    clusters.map((cluster) =>
      cluster.stop().catch((error) => console.error(`[e2e-stack] Postgres did not stop cleanly: ${error}`)),
    ),
  )
  process.exit(code)
}

async function main() {
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  const control = createServer((request, response) => void handleControl(request, response))
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject)
    control.listen(E2E_PORTS.control, E2E_HOST, resolve)
  })

  buildIfStale(log)
  // The live tail's folder starts empty: files a previous run left would become sessions again.
  rmSync(E2E_AGENT_LOG_DIR, { recursive: true, force: true })
  mkdirSync(E2E_AGENT_LOG_DIR, { recursive: true })
  const [mainDatabase, passwordDatabase, restartDatabase] = await Promise.all([
    startMigratedDatabase('session_coach_e2e'),
    startMigratedDatabase('session_coach_e2e_password'),
    startMigratedDatabase('session_coach_e2e_restart'),
  ])
  accountSeeder = createAccountSeeder(passwordDatabase)
  const secret = randomBytes(24).toString('hex')
  const [mainSyncPort, passwordSyncPort, restartSyncPort] = [await freePort(), await freePort(), await freePort()]
  await Promise.all([
    startProcess(shapeServer('main', mainDatabase, mainSyncPort, secret)),
    startProcess(shapeServer('password', passwordDatabase, passwordSyncPort, secret)),
    startProcess(shapeServer('restart', restartDatabase, restartSyncPort, secret)),
  ])
  await Promise.all([
    startProcess(
      appServer(E2E_PORTS.app, 'local', mainDatabase, appUrl(mainSyncPort), secret, {
        // Only the folder specs write to (never the machine's own agent logs), scanned often.
        SESSION_DIRS: E2E_AGENT_LOG_DIR,
        SESSION_SCAN_INTERVAL_MS: '1000',
      }),
    ),
    startProcess(appServer(E2E_PORTS.secondApp, 'local', mainDatabase, appUrl(mainSyncPort), secret)),
    startProcess(
      appServer(E2E_PORTS.passwordApp, 'password', passwordDatabase, appUrl(passwordSyncPort), secret, {
        ALLOW_SIGNUP: 'true',
      }),
    ),
    startProcess(
      appServer(E2E_PORTS.closedSignUpApp, 'password', passwordDatabase, appUrl(passwordSyncPort), secret, {
        ALLOW_SIGNUP: 'false',
      }),
    ),
    startProcess(appServer(E2E_PORTS.restartApp, 'local', restartDatabase, appUrl(restartSyncPort), secret)),
  ])
  ready = true
  log(`ready: apps on ${Object.values(E2E_PORTS).slice(0, 5).join(', ')}, control on ${E2E_PORTS.control}`)
}

main().catch(async (error) => {
  console.error(`[e2e-stack] could not start: ${(error as Error).stack ?? error}`)
  await shutdown(1)
})
