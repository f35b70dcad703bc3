/**
 * The stack the end-to-end benchmarks measure: a throwaway embedded Postgres (migrated), the
 * embedded shape server in this process and the built app as a child process, in local auth mode,
 * hermetic (no `.env`, no discovery unless a benchmark asks for it through `env`).
 */
import { randomBytes } from 'node:crypto'
import { silentLogger, startShapeServer } from '@session-coach/shape-server'
import { migrateDatabase } from '~/db/migrate'
import { builtAppCommand } from '../../dev/commands'
import { startEmbeddedPostgres } from '../../dev/embedded-postgres'
import { buildIfStale, freePort, startChild, stopChild, waitForHealthy } from '../../dev/processes'

export interface BenchStack {
  postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>>
  shapeServer: Awaited<ReturnType<typeof startShapeServer>>
  /** The secret the app's proxy sends the shape server. */
  secret: string
  app: ReturnType<typeof startChild>
  appUrl: string
  /** Stops the app, the shape server and Postgres, in that order. */
  stop(): Promise<void>
}

/** Builds the app when stale, starts the stack and waits until the app answers its health check. */
export async function startBenchStack({ env = {} }: { env?: Record<string, string> } = {}): Promise<BenchStack> {
  buildIfStale((line) => console.log(line))
  const postgres = await startEmbeddedPostgres({ port: await freePort() })
  await migrateDatabase(postgres.url, { log: () => {} })
  const secret = randomBytes(16).toString('hex')
  const shapeServer = await startShapeServer({
    databaseUrl: postgres.url,
    port: await freePort(),
    secret,
    log: silentLogger,
  })
  const appPort = await freePort()
  const appUrl = `http://127.0.0.1:${appPort}`
  // BENCH_APP_CPU_PROF=<dir>: the app writes a V8 CPU profile there when it stops (open it in
  // Chrome DevTools); NODE_OPTIONS may not carry --cpu-prof.
  const [node, ...appArgs] = builtAppCommand()
  const profileDir = process.env.BENCH_APP_CPU_PROF
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=250'] : []
  const app = startChild({
    name: 'app',
    command: [node, ...profiling, ...appArgs],
    output: 'prefixed',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(appPort),
      DATABASE_URL: postgres.url,
      ELECTRIC_URL: shapeServer.url,
      ELECTRIC_SECRET: secret,
      AUTH_MODE: 'local',
      LOG_LEVEL: 'warn',
      ENV_FILE: 'none',
      SESSION_DIRS: '',
      ...env,
    },
  })
  const stop = async () => {
    await stopChild(app, 10_000)
    await shapeServer.close()
    await postgres.stop()
  }
  try {
    await waitForHealthy(`${appUrl}/api/health`, { name: 'app', timeoutMs: 60_000 })
  } catch (error) {
    await stop()
    throw error
  }
  return { postgres, shapeServer, secret, app, appUrl, stop }
}
