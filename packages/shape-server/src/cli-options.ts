/**
 * The CLI's settings: environment variables (the names the Session Coach stack already uses) plus
 * flags, validated in one place so every problem is reported at once with a fix.
 */
import { z } from 'zod'
import type { LogLevel } from './logger.ts'

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 (any free port) and 65535')
  .max(65535, 'must be between 0 (any free port) and 65535')

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value)

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
  SHAPE_SERVER_PORT: port.default(3001),
  ELECTRIC_SECRET: z.preprocess(emptyToUndefined, z.string().min(8, 'must be at least 8 characters').optional()),
  SHAPE_SERVER_LONG_POLL_MS: z.coerce
    .number({ message: 'must be a number of milliseconds' })
    .int('must be a whole number')
    .min(100, 'must be at least 100')
    .max(44_000, "must be at most 44000 (the client's watchdog gives up after 45 s)")
    .default(20_000),
  SHAPE_SERVER_INSECURE: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: "must be 'true' or 'false'" })
      .optional()
      .transform((value) => value === 'true' || value === '1'),
  ),
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

Environment:
  DATABASE_URL               Postgres connection URL (required; the role needs REPLICATION)
  ELECTRIC_SECRET            every shape request must carry secret=<value> (or api_secret=)
  SHAPE_SERVER_PORT          HTTP port on 127.0.0.1 (default 3001; 0 picks a free one)
  SHAPE_SERVER_LONG_POLL_MS  how long a live request is held (default 20000, at most 44000)
  SHAPE_SERVER_INSECURE      true: the same as --insecure
  LOG_LEVEL                  debug | info | warn | error | silent (default info; debug logs SQL)
`

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
    const insecure = insecureFlag || parsed.data.SHAPE_SERVER_INSECURE
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
      port: settings.SHAPE_SERVER_PORT,
      secret: settings.ELECTRIC_SECRET,
      insecure: settings.ELECTRIC_SECRET === undefined,
      longPollTimeoutMs: settings.SHAPE_SERVER_LONG_POLL_MS,
      logLevel: settings.LOG_LEVEL,
    },
  }
}
