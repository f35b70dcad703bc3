/**
 * The stack a fault-injection test breaks on purpose: its own Postgres cluster (a data directory
 * that survives a restart), the shape server and the built app as child processes on fixed ports,
 * so each can be killed (SIGKILL) or stopped and brought back where clients expect it.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { builtAppCommand, shapeServerCommand } from '../../../dev/commands'
import { type RunningPostgres, startEmbeddedPostgres } from '../../../dev/embedded-postgres'
import { buildIfStale, freePort, startChild, stopChild, waitForHealthy } from '../../../dev/processes'
import { migrateDatabase } from '../../../src/db/migrate'
import { startTcpRelay, type TcpRelay } from './tcp-relay'

const HEALTH_TIMEOUT_MS = 90_000

export interface ManagedChild {
  readonly name: string
  readonly url: string
  readonly port: number
  /** Output the child wrote, for a failing test's message. */
  readonly output: string[]
  child(): ChildProcess | undefined
  start(): Promise<void>
  /** SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>
  /** SIGKILL at once: a crash, not a shutdown. */
  kill(): Promise<void>
}

function managedChild(name: string, port: number, command: readonly string[], env: NodeJS.ProcessEnv, health: string) {
  let current: ChildProcess | undefined
  const output: string[] = []
  const url = `http://127.0.0.1:${port}`
  const waitGone = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })
  const managed: ManagedChild = {
    name,
    url,
    port,
    output,
    child: () => current,
    async start() {
      current = startChild({ name, command, env, output: 'prefixed' })
      const keep = (chunk: Buffer) => {
        output.push(chunk.toString())
        if (output.length > 200) output.shift()
      }
      current.stdout?.on('data', keep)
      current.stderr?.on('data', keep)
      await waitForHealthy(`${url}${health}`, { name, timeoutMs: HEALTH_TIMEOUT_MS })
    },
    async stop() {
      if (current) await stopChild(current, 10_000)
    },
    async kill() {
      if (!current) return
      const gone = waitGone(current)
      current.kill('SIGKILL')
      await gone
    },
  }
  return managed
}

export interface ChaosPostgres {
  url(): string
  readonly port: number
  /** Fast shutdown and start again on the same port and data directory. */
  restart(): Promise<void>
  /**
   * SIGKILL to the postmaster and every backend at once (a crash: no checkpoint, no clean
   * shutdown), then start again on the same data directory, which runs crash recovery.
   */
  crashAndRestart(): Promise<void>
  stop(): Promise<void>
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The postmaster (from its lock file) and its children, found before the kill orphans them. */
function clusterProcesses(dataDir: string) {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
  if (!Number.isInteger(postmaster) || postmaster <= 0) throw new Error(`no postmaster pid in ${dataDir}`)
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        // Field 4 of /proc/<pid>/stat, after the parenthesised command name, is the parent pid.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster
      } catch {
        return false
      }
    })
  return [postmaster, ...children]
}

async function killCluster(dataDir: string) {
  const pids = clusterProcesses(dataDir)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + 15_000
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) throw new Error(`Postgres processes ${pids.filter(isAlive).join(', ')} outlived SIGKILL`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export interface ChaosStack {
  postgres: ChaosPostgres
  databaseUrl: string
  shapeServer: ManagedChild
  /** Between the apps and the shape server when `relayShapeServer` is set. */
  relay?: TcpRelay
  apps: ManagedChild[]
  /** Stops everything (apps, shape server, Postgres) and deletes the data directory. */
  stop(): Promise<void>
}

export interface ChaosStackOptions {
  /** Number of app instances on the one database and shape server. */
  apps?: number
  authMode?: 'local' | 'password'
  appEnv?: Record<string, string>
  /** Held long-polls answer after this long (the shape server's own default is 20 s). */
  longPollMs?: number
  /**
   * A cluster in a data directory that survives `postgres.restart()` (durable, so slower to
   * start); otherwise a throwaway one without fsync.
   */
  restartablePostgres?: boolean
  /** Route the apps' sync traffic through a TCP relay that can black-hole connections. */
  relayShapeServer?: boolean
}

export async function startChaosStack(options: ChaosStackOptions = {}): Promise<ChaosStack> {
  buildIfStale((line) => console.log(line))
  const parent = mkdtempSync(join(tmpdir(), 'session-coach-chaos-'))
  const dataDir = options.restartablePostgres ? join(parent, 'data') : undefined
  const port = await freePort()
  let running: RunningPostgres = await startEmbeddedPostgres({ port, dataDir })
  const postgres: ChaosPostgres = {
    url: () => running.url,
    port,
    async restart() {
      if (!dataDir) throw new Error('start the stack with restartablePostgres to restart Postgres')
      await running.stop()
      running = await startEmbeddedPostgres({ port, dataDir })
    },
    async crashAndRestart() {
      if (!dataDir) throw new Error('start the stack with restartablePostgres to crash Postgres')
      await killCluster(dataDir)
      await running.stop()
      running = await startEmbeddedPostgres({ port, dataDir })
    },
    stop: () => running.stop(),
  }
  const databaseUrl = running.url
  await migrateDatabase(databaseUrl, { log: () => {} })
  const secret = randomBytes(16).toString('hex')
  const shapePort = await freePort()
  const shapeServer = managedChild(
    'shape-server',
    shapePort,
    shapeServerCommand(),
    {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SHAPE_SERVER_PORT: String(shapePort),
      ELECTRIC_SECRET: secret,
      LOG_LEVEL: 'warn',
      ENV_FILE: 'none',
      SHAPE_SERVER_LONG_POLL_MS: String(options.longPollMs ?? 3_000),
      // As `npm start` runs it: stored shapes, so a restarted shape server resumes the browsers.
      ELECTRIC_STORAGE_DIR: join(parent, 'shapes'),
    },
    '/v1/health',
  )
  const relay = options.relayShapeServer ? await startTcpRelay({ host: '127.0.0.1', port: shapePort }) : undefined
  const apps: ManagedChild[] = []
  for (let index = 0; index < (options.apps ?? 1); index++) {
    const appPort = await freePort()
    apps.push(
      managedChild(
        `app-${index + 1}`,
        appPort,
        builtAppCommand(),
        {
          ...process.env,
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(appPort),
          DATABASE_URL: databaseUrl,
          ELECTRIC_URL: relay?.url ?? shapeServer.url,
          SHAPE_SERVER_LONG_POLL_MS: String(options.longPollMs ?? 3_000),
          ELECTRIC_SECRET: secret,
          AUTH_MODE: options.authMode ?? 'local',
          LOG_LEVEL: 'warn',
          ENV_FILE: 'none',
          SESSION_DIRS: '',
          COACH_PROVIDER: 'offline',
          ...options.appEnv,
        },
        '/api/health',
      ),
    )
  }
  const stop = async () => {
    for (const app of apps) await app.stop().catch(() => {})
    await shapeServer.stop().catch(() => {})
    await relay?.close().catch(() => {})
    await running.stop().catch(() => {})
    rmSync(parent, { recursive: true, force: true })
  }
  try {
    await shapeServer.start()
    for (const app of apps) await app.start()
  } catch (error) {
    await stop()
    throw error
  }
  return { postgres, databaseUrl, shapeServer, relay, apps, stop }
}
