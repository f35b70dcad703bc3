/**
 * The app server's logger: one line per message, tagged with the component that wrote it, filtered
 * by LOG_LEVEL. It takes strings only, on purpose: error objects from the database driver carry the
 * query's parameters (e-mail addresses, password hashes), so callers log `describeError(error)`.
 */
import { getConfig } from '@config'
import { errorMessage } from '~/lib/error-message'
import { redactSecrets } from '~/lib/redact-secrets'

export { redactSecrets }

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export type LogSink = (level: Exclude<LogLevel, 'silent'>, line: string) => void

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

const consoleSink: LogSink = (level, line) => {
  if (level === 'error' || level === 'warn') console.error(line)
  else console.log(line)
}

let sink: LogSink = consoleSink

/** Tests capture what the server would have written; returns a function that restores the console. */
export function captureLogs(capture: LogSink): () => void {
  sink = capture
  return () => {
    sink = consoleSink
  }
}

function configuredLevel(): LogLevel {
  try {
    return getConfig().LOG_LEVEL
  } catch {
    return 'info'
  }
}

export function createLogger(component: string, level: LogLevel = configuredLevel()): Logger {
  const write = (messageLevel: Exclude<LogLevel, 'silent'>, message: string) => {
    if (RANK[messageLevel] < RANK[level]) return
    sink(
      messageLevel,
      `${new Date().toISOString()} ${messageLevel.toUpperCase()} [${component}] ${redactShareTokens(redactSecrets(message))}`,
    )
  }
  return {
    debug: (message) => write('debug', message),
    info: (message) => write('info', message),
    warn: (message) => write('warn', message),
    error: (message) => write('error', message),
  }
}

/**
 * Share-link tokens open a session to anyone holding them: whatever a message quotes (a URL, a
 * driver message), a token and the path segment after `/share/` never reach the log.
 */
export function redactShareTokens(message: string): string {
  return message
    .replace(/scs_[A-Za-z0-9_-]+/g, 'scs_[redacted]')
    .replace(/\/share\/(?!\[redacted\])[^/?#\s]+/g, '/share/[redacted]')
    .replace(/([?&]share=)[^&#\s]+/g, '$1[redacted]')
}

/**
 * A failure as one safe line: the error's class, the Postgres code and constraint when there is
 * one, and the innermost message. Drizzle's own message ("Failed query: … params: …") and the
 * driver's `detail` ("Key (email)=(…)") are never included.
 */
export function describeError(error: unknown): string {
  const root = innermostCause(error)
  const pg = root as { code?: unknown; constraint_name?: unknown; table_name?: unknown }
  const parts = [root instanceof Error ? root.name : typeof root]
  if (typeof pg.code === 'string') parts.push(pg.code)
  if (typeof pg.table_name === 'string') parts.push(`table ${pg.table_name}`)
  if (typeof pg.constraint_name === 'string') parts.push(`constraint ${pg.constraint_name}`)
  return `${parts.join(' ')}: ${errorMessage(root)}`
}

/** Drizzle wraps driver errors in DrizzleQueryError, whose message holds the SQL and its parameters. */
export function innermostCause(error: unknown): unknown {
  let current = error
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause
  }
  return current
}
