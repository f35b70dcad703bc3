import type pg from 'pg'
import { describeTable, IdentifierError, parseTableName } from './identifiers.ts'
import { InvalidRequestError } from './shape-request.ts'
import { loadTableInfo, type TableInfo } from './table-catalog.ts'

/**
 * Resolves the `table` parameter to catalog information. Requests for existing shapes use a
 * short-lived cache; creating a shape always reads the catalog again.
 */
export class TableResolver {
  private readonly cache = new Map<string, { table: TableInfo; loadedAt: number }>()

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxAgeMs = 5_000,
  ) {}

  /** `notOlderThan`: only accept catalog information loaded at or after this time (ms). */
  async resolve(tableParam: string, { notOlderThan }: { notOlderThan?: number } = {}): Promise<TableInfo> {
    let name: ReturnType<typeof parseTableName>
    try {
      name = parseTableName(tableParam)
    } catch (error) {
      if (error instanceof IdentifierError) throw InvalidRequestError.field('table', error.message)
      throw error
    }
    if (isSystemSchema(name.schema)) {
      // Catalogs are not replicated, and publishing one would try DDL on it.
      throw InvalidRequestError.field(
        'table',
        `Table ${describeTable(name)} is a system catalog; only the database's own tables can be synced`,
      )
    }
    const cacheKey = JSON.stringify([name.schema, name.name])
    const cached = this.cache.get(cacheKey)
    if (cached) {
      const usable =
        notOlderThan === undefined ? Date.now() - cached.loadedAt < this.maxAgeMs : cached.loadedAt >= notOlderThan
      if (usable) return cached.table
    }
    const loadedAt = Date.now()
    const table = await loadTableInfo(this.pool, name)
    if (!table) {
      this.cache.delete(cacheKey)
      throw InvalidRequestError.field(
        'table',
        `Table ${describeTable(name)} does not exist. If the table name contains capitals or special characters you must quote it.`,
      )
    }
    if (this.cache.size > 10_000) this.cache.clear()
    this.cache.set(cacheKey, { table, loadedAt })
    return table
  }
}

/** `pg_catalog`, `pg_toast`, `pg_temp_n`… (Postgres reserves the `pg_` prefix) and `information_schema`. */
function isSystemSchema(schema: string): boolean {
  return schema.startsWith('pg_') || schema === 'information_schema'
}
