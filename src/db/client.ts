import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema'

export type Database = PostgresJsDatabase<typeof schema>
/** An open transaction. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Transaction | Database

export interface DatabaseClient {
  db: Database
  sql: postgres.Sql
  close(): Promise<void>
}

/**
 * The postgres.js connection a transaction runs on, for what Drizzle has no API for (COPY streams).
 * Drizzle keeps it as its session's `client`; queries sent through it belong to the transaction.
 */
export function driverOf(tx: Transaction): postgres.Sql {
  const client = (tx as unknown as { session?: { client?: postgres.Sql } }).session?.client
  if (!client) throw new Error('This Drizzle transaction does not expose its postgres.js connection.')
  return client
}

export function createDatabaseClient(url: string, { max = 10 }: { max?: number } = {}): DatabaseClient {
  // idle_timeout lets a SIGTERMed server exit instead of waiting on pooled connections.
  const sql = postgres(url, {
    max,
    idle_timeout: 20,
    onnotice: () => {},
    connection: { application_name: 'session-coach' },
  })
  const db = drizzle(sql, { schema })
  return { db, sql, close: () => sql.end({ timeout: 5 }) }
}
