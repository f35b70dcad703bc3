import type pg from 'pg'
import { errorMessage } from './errors.ts'
import type { Logger } from './logger.ts'
import { postgresErrorCode } from './postgres-connections.ts'
import type { TableInfo } from './table-catalog.ts'

/**
 * Postgres error codes that mean the table is no longer the one the shape was built on (dropped,
 * renamed, a column dropped or retyped) when a snapshot or check query ran into them.
 */
const SCHEMA_CHANGED_CODES = new Set(['42P01', '42703', '42804', '42883', '42846'])

export function isSchemaChangeError(error: unknown): boolean {
  const code = postgresErrorCode(error)
  return code !== undefined && SCHEMA_CHANGED_CODES.has(code)
}

/** What about a table a shape depends on: everything that changes its rows, keys or name. */
export function tableSignature(table: Pick<TableInfo, 'schema' | 'name' | 'columns'>): string {
  return JSON.stringify([
    table.schema,
    table.name,
    table.columns.map((column) => [column.name, column.typeOid, column.generated, column.primaryKeyIndex]),
  ])
}

interface CurrentTableRow {
  oid: string
  schema: string
  name: string
  /** JSON text (the query pool keeps values as Postgres sends them). */
  columns: string | null
}

/**
 * Postgres replicates no DDL: a dropped table sends nothing at all, and a renamed or altered one
 * only shows up with its next row change. So, as Electric's schema reconciler does, the tables
 * that have shapes are compared with the catalog now and then, by oid.
 *
 * Resolves with the tables (as shapes were built from them) that are gone or differ now, and why.
 */
export async function findChangedTables(pool: pg.Pool, tables: readonly TableInfo[]): Promise<Map<TableInfo, string>> {
  const changed = new Map<TableInfo, string>()
  if (tables.length === 0) return changed
  const { rows } = await pool.query<CurrentTableRow>(
    `SELECT c.oid::int8::text AS oid, n.nspname AS schema, c.relname AS name,
            (SELECT json_agg(json_build_array(a.attname, a.atttypid::int8, a.attgenerated <> '',
                      COALESCE((SELECT array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1)
                                  FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary), -1))
                      ORDER BY a.attnum)::text
               FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = ANY($1::oid[])`,
    [[...new Set(tables.map((table) => table.oid))]],
  )
  const current = new Map(rows.map((row) => [Number(row.oid), row]))
  for (const table of tables) {
    const now = current.get(table.oid)
    if (!now) {
      changed.set(table, 'table dropped')
      continue
    }
    const expected = tableSignature(table)
    const actual = JSON.stringify([
      now.schema,
      now.name,
      (JSON.parse(now.columns ?? '[]') as [string, number, boolean, number][]).map(([name, typeOid, generated, pk]) => [
        name,
        Number(typeOid),
        generated,
        Number(pk),
      ]),
    ])
    if (actual !== expected) {
      changed.set(table, now.name !== table.name || now.schema !== table.schema ? 'table renamed' : 'table altered')
    }
  }
  return changed
}

/** Runs `check` every `intervalMs`, one run at a time, until stopped; failures are logged. */
export function every(intervalMs: number, check: () => Promise<void>, log: Logger, what: string): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    check()
      .catch((error) => log.warn(`${what} failed: ${errorMessage(error)}`))
      .finally(() => {
        running = false
      })
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
