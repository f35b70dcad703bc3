/**
 * Process supervision shared by the dev stack (`scripts/stack.ts`) and the e2e stack
 * (`e2e/support/e2e-stack.ts`): start a child, notice when it dies, stop it (SIGTERM, then
 * SIGKILL), wait for its HTTP health endpoint, rebuild the app when its sources are newer than the
 * build, and create a database. What each stack does when a child dies is its own policy, so that
 * part is a callback.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import postgres from 'postgres'
import { viteCommand } from './commands'

export interface StartChildOptions {
  /** Shown in crash reports and, with `output: 'prefixed'`, before every line of the child's output. */
  name: string
  command: readonly string[]
  env: NodeJS.ProcessEnv
  /** `inherit`: the child writes to our terminal as is; `prefixed`: each line gets `[name] `. */
  output?: 'inherit' | 'prefixed'
  /** Called on every exit; the caller decides whether that exit was expected. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void
}

export function startChild({ name, command, env, output = 'inherit', onExit }: StartChildOptions): ChildProcess {
  const [executable, ...args] = command
  const child = spawn(executable, args, {
    env,
    stdio: ['ignore', output === 'inherit' ? 'inherit' : 'pipe', output === 'inherit' ? 'inherit' : 'pipe'],
  })
  if (output === 'prefixed') {
    forwardLines(name, child.stdout, process.stdout)
    forwardLines(name, child.stderr, process.stderr)
  }
  if (onExit) child.on('exit', onExit)
  return child
}

function forwardLines(name: string, stream: NodeJS.ReadableStream | null, target: NodeJS.WriteStream) {
  if (!stream) return
  createInterface({ input: stream }).on('line', (line) => target.write(`[${name}] ${line}\n`))
}

/** "exit code 1" / "signal SIGKILL", for crash reports. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null) {
  return signal ? `signal ${signal}` : `exit code ${code}`
}

export function hasExited(child: ChildProcess) {
  return child.exitCode !== null || child.signalCode !== null
}

/** Resolves true when the child has exited, false when it is still running after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number) {
  return new Promise<boolean>((done) => {
    if (hasExited(child)) return done(true)
    const timer = setTimeout(() => done(false), timeoutMs)
    child.once('exit', () => {
      clearTimeout(timer)
      done(true)
    })
  })
}

/**
 * SIGTERM, then SIGKILL after `graceMs`. The grace matters: the built app keeps its Postgres pool
 * open for a while after SIGTERM, and the shape server drops its replication slot on the way out.
 * Returns false when the child had to be killed.
 */
export async function stopChild(child: ChildProcess, graceMs: number) {
  if (hasExited(child)) return true
  child.kill('SIGTERM')
  if (await waitForExit(child, graceMs)) return true
  child.kill('SIGKILL')
  await waitForExit(child, 5_000)
  return false
}

export class HealthTimeoutError extends Error {
  constructor(name: string, url: string, timeoutMs: number) {
    super(`${name} did not answer ${url} with a 2xx within ${timeoutMs / 1000} s`)
    this.name = 'HealthTimeoutError'
  }
}

export interface WaitForHealthyOptions {
  name: string
  timeoutMs: number
  /** Per request. The first request to `vite dev` compiles the server bundle, so allow for that. */
  requestTimeoutMs?: number
  /** Stop waiting early (resolves false) — e.g. when the stack is already shutting down. */
  shouldStop?: () => boolean
}

/** Polls `url` until it answers 2xx. Resolves true when healthy; throws HealthTimeoutError on timeout. */
export async function waitForHealthy(url: string, options: WaitForHealthyOptions) {
  const deadline = Date.now() + options.timeoutMs
  while (Date.now() < deadline) {
    if (options.shouldStop?.()) return false
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(options.requestTimeoutMs ?? 2_000) })
      if (response.ok) return true
    } catch {
      // Not listening yet, or still starting: try again.
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new HealthTimeoutError(options.name, url, options.timeoutMs)
}

/** Picks a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Latest modification time of a file, or of anything below a directory. */
export function newestModification(path: string): number {
  if (!statSync(path).isDirectory()) return statSync(path).mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestModification(join(path, entry)))
  return newest
}

/** What the built server is made from; a change to any of these makes the build stale. */
const BUILD_INPUTS = ['src', 'vite.config.ts', 'app.config.ts']
export const BUILT_SERVER_ENTRY = '.output/server/index.mjs'

export function isBuildStale(root = '.') {
  const entry = join(root, BUILT_SERVER_ENTRY)
  const builtAt = existsSync(entry) ? statSync(entry).mtimeMs : 0
  const inputs = BUILD_INPUTS.map((input) => join(root, input)).filter((input) => existsSync(input))
  return builtAt < Math.max(...inputs.map(newestModification))
}

/**
 * Runs `vite build` when the build is missing or older than its sources. Returns whether it built.
 * Vite runs on this process's Node (no pnpm on PATH needed), always with NODE_ENV=production: called
 * from a vitest file the inherited NODE_ENV=test would make a server that renders with React's
 * development JSX runtime and fails every page (`jsxDEV is not a function`).
 */
export function buildIfStale(log: (line: string) => void) {
  if (!isBuildStale()) return false
  log('the build is missing or older than the sources; running `vite build`')
  const [executable, ...args] = viteCommand('build')
  const result = spawnSync(executable, args, {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (result.status !== 0) throw new Error('`vite build` failed; see the errors above.')
  return true
}

/**
 * Creates database `name` on the server behind `serverUrl` (a URL ending in `/postgres`) and returns
 * its URL. With `ifMissing`, an existing database is kept (a persistent dev cluster).
 */
export async function createDatabase(serverUrl: string, name: string, { ifMissing = false } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  try {
    const exists = ifMissing && (await admin`select 1 from pg_database where datname = ${name}`).length > 0
    if (!exists) await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }
  return serverUrl.replace(/\/postgres$/, `/${name}`)
}
