import pg from 'pg'

/**
 * Electric forces these settings on the snapshot and replication connections, so that Postgres'
 * text output (what clients receive) is the same for snapshot rows and replicated rows.
 */
export const SESSION_SETTINGS: Record<string, string> = {
  bytea_output: 'hex',
  DateStyle: 'ISO,DMY',
  TimeZone: 'UTC',
  extra_float_digits: '1',
  IntervalStyle: 'iso_8601',
}

const sessionOptions = Object.entries(SESSION_SETTINGS)
  .map(([name, value]) => `-c ${name}=${value}`)
  .join(' ')

const keepRawText = (value: string) => value

/** Every value stays Postgres' text output: no Date, number or JSON conversion on the way. */
const rawTextTypes = { getTypeParser: () => keepRawText } as unknown as pg.CustomTypesConfig

export const APPLICATION_NAME = 'session-coach-shape-server'

export function queryPoolConfig(databaseUrl: string, max: number): pg.PoolConfig {
  return {
    connectionString: databaseUrl,
    max,
    types: rawTextTypes,
    options: sessionOptions,
    application_name: APPLICATION_NAME,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
  }
}

export function replicationClientConfig(databaseUrl: string): pg.ClientConfig & { replication: 'database' } {
  return {
    connectionString: databaseUrl,
    replication: 'database',
    types: rawTextTypes,
    options: sessionOptions,
    application_name: `${APPLICATION_NAME}-replication`,
    connectionTimeoutMillis: 10_000,
  }
}

/** Observer for the text of every statement sent on the query pool (debugging, tests). */
export type StatementObserver = (sql: string) => void

export function createQueryPool(databaseUrl: string, max: number, onStatement?: StatementObserver): pg.Pool {
  const pool = new pg.Pool(queryPoolConfig(databaseUrl, max))
  // Idle clients that lose their connection emit 'error' on the pool; the next checkout reconnects.
  pool.on('error', () => {})
  if (onStatement) {
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown
      ;(client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const [first] = args
        onStatement(typeof first === 'string' ? first : String((first as { text?: string })?.text ?? ''))
        return query(...args)
      }
    })
  }
  return pool
}

/** Postgres error with the SQLSTATE, as thrown by `pg`. */
export function postgresErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined
}
