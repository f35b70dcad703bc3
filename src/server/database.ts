/**
 * The app server's database client: one pool per process, created on first use so that importing
 * a route never connects, and closed when the process is asked to stop.
 */
import { getConfig } from '@config'
import { createDatabaseClient, type DatabaseClient } from '~/db/client'
import { errorMessage } from '~/lib/error-message'
import { innermostCause } from './log'

export class DatabaseNotConfiguredError extends Error {
  constructor() {
    super(
      'The server needs DATABASE_URL to reach Postgres, and it is not set. `npm start` and `pnpm dev` set it for ' +
        'you (embedded Postgres); when running `node .output/server/index.mjs` yourself, set DATABASE_URL=postgres://…',
    )
    this.name = 'DatabaseNotConfiguredError'
  }
}

// Kept on globalThis so Vite's dev-time module reloads reuse the pool instead of leaking one per edit.
const holder = globalThis as typeof globalThis & { __sessionCoachDatabase?: DatabaseClient }

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const

function closeOnShutdown(client: DatabaseClient) {
  for (const [signal, exitCode] of Object.entries(SIGNAL_EXIT_CODES)) {
    process.once(signal, () => {
      // Nitro's graceful shutdown also listens and exits once the pool is gone. Without another
      // listener (e.g. nitro skips it when CI is set), our handler would swallow the signal.
      const anotherHandlerExits = process.listenerCount(signal) > 0
      void client.close().finally(() => {
        if (!anotherHandlerExits) process.exit(exitCode)
      })
    })
  }
}

export function getDatabaseClient(): DatabaseClient {
  if (holder.__sessionCoachDatabase) return holder.__sessionCoachDatabase
  const url = getConfig().DATABASE_URL
  if (!url) throw new DatabaseNotConfiguredError()
  const client = createDatabaseClient(url)
  holder.__sessionCoachDatabase = client
  closeOnShutdown(client)
  return client
}

export class DatabaseTimeoutError extends Error {
  constructor(milliseconds: number) {
    super(`Postgres did not answer within ${milliseconds / 1000} s.`)
    this.name = 'DatabaseTimeoutError'
  }
}

/** Bounds a database call so a black-holed host gives a prompt answer instead of a hung page. */
export async function withDatabaseTimeout<T>(work: Promise<T>, milliseconds = 5_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(milliseconds)), milliseconds)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A failure of the database connection phrased for the person running the server. */
export function describeDatabaseError(error: unknown): string {
  if (error instanceof DatabaseNotConfiguredError || error instanceof DatabaseTimeoutError) return error.message
  const cause = innermostCause(error)
  const code = (cause as { code?: string } | undefined)?.code
  const where = describeDatabaseLocation()
  switch (code) {
    case 'ECONNREFUSED':
      return `Nothing is accepting connections at ${where}. Is Postgres running? \`npm start\` starts the embedded one.`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The database host in DATABASE_URL (${where}) could not be resolved.`
    case '28P01':
    case '28000':
      return `Postgres at ${where} rejected the credentials in DATABASE_URL.`
    case '3D000':
      return `The database named in DATABASE_URL (${where}) does not exist.`
    default:
      return `Postgres at ${where} returned an error: ${errorMessage(cause)}`
  }
}

function describeDatabaseLocation() {
  try {
    const url = new URL(getConfig().DATABASE_URL ?? '')
    return `${url.hostname}:${url.port || 5432}${url.pathname}`
  } catch {
    return 'DATABASE_URL'
  }
}
