import { getTableName, is, sql } from 'drizzle-orm'
import { PgTable } from 'drizzle-orm/pg-core'
import type { Executor } from '~/db/client'
import * as schema from '~/db/schema'

/** Every table declared in schema.ts (module namespaces list exports alphabetically). */
export const SCHEMA_TABLE_NAMES: readonly string[] = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => getTableName(table))

export interface DatabaseStatus {
  databaseName: string
  serverVersion: string
  walLevel: string
}

export interface TableRowCount {
  table: string
  /** null when the table does not exist yet (migrations not applied). */
  rows: number | null
}

/** What the home page shows: the caller's own rows, and server internals for operators only. */
export interface DatabaseOverview {
  account: TableRowCount[]
  server?: { status: DatabaseStatus; tables: TableRowCount[] }
}

/** The cheapest round trip: the health check's proof that Postgres answers. */
export async function pingDatabase(db: Executor): Promise<void> {
  await db.execute(sql`select 1`)
}

export async function getDatabaseStatus(db: Executor): Promise<DatabaseStatus> {
  const [row] = await db.execute<{ database_name: string; server_version: string; wal_level: string }>(sql`
    select current_database() as database_name,
           current_setting('server_version') as server_version,
           current_setting('wal_level') as wal_level`)
  return { databaseName: row.database_name, serverVersion: row.server_version, walLevel: row.wal_level }
}

/** Exact counts: fine while this is a status page; large tables will want pg_class estimates. */
export async function countRowsPerTable(db: Executor, tableNames: readonly string[] = SCHEMA_TABLE_NAMES) {
  const existing = await db.execute<{ name: string }>(sql`
    select name from unnest(array[${sql.join(
      tableNames.map((name) => sql`${name}`),
      sql`, `,
    )}]::text[]) as name
    where to_regclass(quote_ident(name)) is not null`)
  const existingNames = new Set(existing.map((row) => row.name))
  const counts = new Map<string, number>()
  if (existingNames.size > 0) {
    const selects = [...existingNames].map(
      (name) => sql`select ${name}::text as name, count(*)::bigint as rows from ${sql.identifier(name)}`,
    )
    const rows = await db.execute<{ name: string; rows: string }>(sql.join(selects, sql` union all `))
    for (const row of rows) counts.set(row.name, Number(row.rows))
  }
  return tableNames.map((table): TableRowCount => ({ table, rows: counts.get(table) ?? null }))
}

/** Rows of one account in every table that has an `account_id` (tables not migrated yet are left out). */
export async function countAccountRowsPerTable(db: Executor, accountId: string): Promise<TableRowCount[]> {
  const scoped = await db.execute<{ name: string }>(sql`
    select table_name as name from information_schema.columns
    where table_schema = current_schema() and column_name = 'account_id'
      and table_name = any(array[${sql.join(
        SCHEMA_TABLE_NAMES.map((name) => sql`${name}`),
        sql`, `,
      )}]::text[])`)
  const names = SCHEMA_TABLE_NAMES.filter((name) => scoped.some((row) => row.name === name))
  if (names.length === 0) return []
  const selects = names.map(
    (name) =>
      sql`select ${name}::text as name, count(*)::bigint as rows from ${sql.identifier(name)} where account_id = ${accountId}`,
  )
  const rows = await db.execute<{ name: string; rows: string }>(sql.join(selects, sql` union all `))
  const counts = new Map(rows.map((row) => [row.name, Number(row.rows)]))
  return names.map((table) => ({ table, rows: counts.get(table) ?? 0 }))
}

export async function getDatabaseOverview(
  db: Executor,
  input: { accountId: string; operator: boolean },
): Promise<DatabaseOverview> {
  const [account, status, tables] = await Promise.all([
    countAccountRowsPerTable(db, input.accountId),
    input.operator ? getDatabaseStatus(db) : undefined,
    input.operator ? countRowsPerTable(db) : undefined,
  ])
  return { account, ...(status && tables ? { server: { status, tables } } : {}) }
}
