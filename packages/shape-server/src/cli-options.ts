/**
 * The CLI's settings: environment variables plus flags, validated in one place so every problem is
 * reported at once with a fix. Where Electric has a setting, its variable name is accepted (with
 * Electric's default), so a deployment can swap the two servers without changing its configuration;
 * the older `SHAPE_SERVER_*` names stay as aliases.
 */
import { z } from 'zod'
import type { LogLevel } from './logger.ts'

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535')

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)

const wholeNumber = (unit: string, minimum: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: `must be a number of ${unit}` })
      .int('must be a whole number')
      .min(minimum, `must be at least ${minimum}`)
      .optional(),
  )

const longPollMs = z.preprocess(
  emptyToUndefined,
  z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(44_000, "must be at most 44000 (the client's watchdog gives up after 45 s)")
    .optional(),
)

const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0'], { message: "must be 'true' or 'false'" })
    .optional()
    .transform((value) => (value === undefined ? undefined : value === 'true' || value === '1')),
)

const environmentSchema = z.object({
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string({
        message: 'is required: a Postgres with wal_level=logical, e.g. postgres://postgres:postgres@127.0.0.1:5432/app',
      })
      .trim()
      .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), {
        message: 'must be a postgres:// or postgresql:// connection URL, e.g. postgres://user:pass@host:5432/db',
      }),
  ),
  SHAPE_SERVER_PORT: z.preprocess(emptyToUndefined, port.optional()),
  ELECTRIC_PORT: z.preprocess(emptyToUndefined, port.optional()),
  ELECTRIC_SECRET: z.preprocess(emptyToUndefined, z.string().min(8, 'must be at least 8 characters').optional()),
  SHAPE_SERVER_LONG_POLL_MS: longPollMs,
  ELECTRIC_LONG_POLL_TIMEOUT: longPollMs,
  SHAPE_SERVER_INSECURE: booleanFlag,
  ELECTRIC_INSECURE: booleanFlag,
  ELECTRIC_CACHE_MAX_AGE: wholeNumber('seconds', 0),
  ELECTRIC_CACHE_STALE_AGE: wholeNumber('seconds', 0),
  ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD: wholeNumber('bytes', 1024),
  ELECTRIC_MAX_SHAPES: wholeNumber('shapes', 1),
  ELECTRIC_EXPERIMENTAL_MAX_SHAPES: wholeNumber('shapes', 1),
  // Node alone needs more than this; the real minimum is measured at start (MemoryBudgetTooSmallError).
  SHAPE_SERVER_MEMORY_BUDGET_MB: wholeNumber('MiB', 64),
  SHAPE_SERVER_IDLE_SHAPE_SECONDS: wholeNumber('seconds', 1),
  ELECTRIC_STORAGE_DIR: z.preprocess(emptyToUndefined, z.string().trim().min(1).optional()),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z
      .enum(['debug', 'info', 'warn', 'error', 'silent'], {
        message: "must be 'debug', 'info', 'warn', 'error' or 'silent'",
      })
      .default('info'),
  ),
})

export interface CliOptions {
  databaseUrl: string
  port: number
  secret: string | undefined
  /** No secret: loopback only, no CORS, no DELETE (see `ShapeServerOptions.insecure`). */
  insecure: boolean
  longPollTimeoutMs: number
  /** Seconds; `max-age` / `stale-while-revalidate` of non-live responses after the first chunk. */
  cacheMaxAge: number
  cacheStaleAge: number
  /** Target size of a snapshot chunk and of a log response. */
  chunkBytes: number
  maxShapes: number
  /** What the process's RSS must stay under; the shapes' data gets what the process leaves of it. */
  memoryBudgetBytes: number
  idleShapeMs: number
  /** Shape logs kept on disk across restarts; undefined: in memory only. */
  storageDir: string | undefined
  logLevel: LogLevel
}

export type CliParseResult =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'invalid'; problems: string[] }

export const USAGE = `Usage: shape-server [--insecure] [--help]

Serves Electric's HTTP shape API (GET /v1/shape) from a Postgres with wal_level=logical.
It refuses to start without ELECTRIC_SECRET unless --insecure is given.

Flags:
  --insecure                 run without a secret: anyone on this machine can read every table;
                             loopback requests only, no CORS headers, DELETE refused
  --help                     this text

Environment (Electric's names where Electric has the setting; SHAPE_SERVER_* still work):
  DATABASE_URL               Postgres connection URL (required; the role needs REPLICATION)
  ELECTRIC_SECRET            every shape request must carry secret=<value> (or api_secret=)
  ELECTRIC_PORT              HTTP port on 127.0.0.1 (default 3001; 0 picks a free one)
                             (alias SHAPE_SERVER_PORT)
  ELECTRIC_LONG_POLL_TIMEOUT how long a live request is held, in ms (default 20000, at most 44000)
                             (alias SHAPE_SERVER_LONG_POLL_MS)
  ELECTRIC_INSECURE          true: the same as --insecure (alias SHAPE_SERVER_INSECURE)
  ELECTRIC_CACHE_MAX_AGE     max-age of non-live responses after the first chunk, s (default 60)
  ELECTRIC_CACHE_STALE_AGE   their stale-while-revalidate, s (default 300)
  ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD
                             size of a snapshot chunk / log response, bytes (default 10485760)
  ELECTRIC_MAX_SHAPES        shapes kept before the least recently used is dropped (default 5000)
                             (alias ELECTRIC_EXPERIMENTAL_MAX_SHAPES, Electric's older name)
  SHAPE_SERVER_MEMORY_BUDGET_MB
                             what the server process's RSS stays under, in MiB (default 512): shape
                             data gets the budget minus what the process uses once started and 32 MiB
                             of headroom, adjusted from RSS every second; the least recently read
                             shapes go past it. A budget too small to run refuses to start, naming
                             the minimum
  SHAPE_SERVER_IDLE_SHAPE_SECONDS
                             a shape nobody read for this long is dropped (default 1800)
  ELECTRIC_STORAGE_DIR       keep shape logs here (and the replication slot across stops), so a
                             restarted server resumes its clients instead of a 409 and a resync
                             (default: unset, shapes live in memory only)
  LOG_LEVEL                  debug | info | warn | error | silent (default info; debug logs SQL)
`

/** Electric's name and our older alias for one setting: either may be set, not both differently. */
const ALIASES = [
  ['ELECTRIC_PORT', 'SHAPE_SERVER_PORT'],
  ['ELECTRIC_LONG_POLL_TIMEOUT', 'SHAPE_SERVER_LONG_POLL_MS'],
  ['ELECTRIC_INSECURE', 'SHAPE_SERVER_INSECURE'],
  ['ELECTRIC_MAX_SHAPES', 'ELECTRIC_EXPERIMENTAL_MAX_SHAPES'],
] as const

export function parseCliOptions(argv: string[], env: Record<string, string | undefined>): CliParseResult {
  const problems: string[] = []
  let insecureFlag = false
  for (const argument of argv) {
    if (argument === '--help' || argument === '-h') return { kind: 'help' }
    if (argument === '--insecure') insecureFlag = true
    else problems.push(`unknown argument "${argument}" (see --help)`)
  }
  const parsed = environmentSchema.safeParse(env)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.')
      const value = env[name]
      const shown =
        value === undefined || name === 'ELECTRIC_SECRET' || name === 'DATABASE_URL' ? '' : ` (got "${value}")`
      problems.push(`${name}${shown}: ${issue.message}`)
    }
  }
  if (parsed.success) {
    for (const [electricName, alias] of ALIASES) {
      const [a, b] = [parsed.data[electricName], parsed.data[alias]]
      if (a !== undefined && b !== undefined && a !== b) {
        problems.push(
          `${electricName} and ${alias} name the same setting but differ ("${env[electricName]}" vs "${env[alias]}"); set one`,
        )
      }
    }
  }
  if (parsed.success) {
    const insecure = insecureFlag || (parsed.data.ELECTRIC_INSECURE ?? parsed.data.SHAPE_SERVER_INSECURE ?? false)
    if (parsed.data.ELECTRIC_SECRET === undefined && !insecure) {
      problems.push(
        'ELECTRIC_SECRET: is not set. Without it anyone who can reach the port reads every table. Set it ' +
          '(clients then send secret=<value>), or pass --insecure for a loopback-only server without CORS or DELETE',
      )
    }
  }
  if (problems.length > 0 || !parsed.success) return { kind: 'invalid', problems }
  const settings = parsed.data
  return {
    kind: 'run',
    options: {
      databaseUrl: settings.DATABASE_URL,
      port: settings.ELECTRIC_PORT ?? settings.SHAPE_SERVER_PORT ?? 3001,
      secret: settings.ELECTRIC_SECRET,
      insecure: settings.ELECTRIC_SECRET === undefined,
      longPollTimeoutMs: settings.ELECTRIC_LONG_POLL_TIMEOUT ?? settings.SHAPE_SERVER_LONG_POLL_MS ?? 20_000,
      cacheMaxAge: settings.ELECTRIC_CACHE_MAX_AGE ?? 60,
      cacheStaleAge: settings.ELECTRIC_CACHE_STALE_AGE ?? 300,
      chunkBytes: settings.ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD ?? 10 * 1024 * 1024,
      maxShapes: settings.ELECTRIC_MAX_SHAPES ?? settings.ELECTRIC_EXPERIMENTAL_MAX_SHAPES ?? 5_000,
      memoryBudgetBytes: (settings.SHAPE_SERVER_MEMORY_BUDGET_MB ?? 512) * 1024 * 1024,
      idleShapeMs: (settings.SHAPE_SERVER_IDLE_SHAPE_SECONDS ?? 1_800) * 1_000,
      storageDir: settings.ELECTRIC_STORAGE_DIR,
      logLevel: settings.LOG_LEVEL,
    },
  }
}
