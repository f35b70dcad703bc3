/**
 * The built app as a child process on a test's own database (and sync target), for tests that
 * need the real request path: the global middleware, routes, headers. Its output is kept so a test
 * can check what it logged. Builds first when `.output` is older than the sources.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { builtAppCommand } from '../../dev/commands'
import { buildIfStale, freePort, stopChild, waitForHealthy } from '../../dev/processes'
import { startSyncTarget } from './sync-target'

export interface TestApp {
  url: string
  /** Everything the app wrote to stdout and stderr so far. */
  output(): string
  stop(): Promise<void>
}

export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  buildIfStale(() => {})
  const sync = await startSyncTarget(databaseUrl)
  const port = await freePort()
  const [executable, ...args] = builtAppCommand()
  let output = ''
  const child: ChildProcess = spawn(executable, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      ELECTRIC_URL: sync.url,
      ELECTRIC_SECRET: sync.secret,
      AUTH_MODE: 'local',
      LOG_LEVEL: 'info',
      ENV_FILE: 'none',
      SESSION_DIRS: '',
      ...env,
    },
  })
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString('utf8')
  })
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString('utf8')
  })
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    await stopChild(child, 10_000)
    await sync.close()
  }
  try {
    await waitForHealthy(`${url}/api/health`, { name: 'app', timeoutMs: 60_000 })
  } catch (error) {
    await stop()
    throw new Error(`the app did not start: ${String(error)}\n${output}`)
  }
  return { url, output: () => output, stop }
}

/** A session cookie of the local owner (`name=value`), as a browser gets it by opening a page. */
export async function localOwnerCookie(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/`, { headers: { accept: 'text/html', 'sec-fetch-dest': 'document' } })
  await response.arrayBuffer()
  const cookie = response.headers.get('set-cookie')?.split(';')[0]
  if (!cookie?.startsWith('sc_session=')) {
    throw new Error(`a page load of ${appUrl} gave no session cookie (HTTP ${response.status}); is AUTH_MODE=local?`)
  }
  return cookie
}
