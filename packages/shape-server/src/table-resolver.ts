import type pg from 'pg'
import { describeTable, IdentifierError, parseTableName } from './identifiers.ts'
import { InvalidRequestError } from './shape-request.ts'
import { loadTableInfo, type TableInfo } from './table-catalog.ts'

/**
 * Resolves the `table` parameter to catalog information. Requests for existing shapes use a
 * short-lived cache; creating a shape always reads the catalog again. Concurrent requests for one
 * table share one catalog query: when the cache entry of a table with thousands of live shapes
 * expires, the long-polls that come back meanwhile would otherwise each run their own and queue
 * on the pool until they time out (503).
 */
export class TableResolver {
  private readonly cache = new Map<string, { table: TableInfo; loadedAt: number }>()
  private readonly loading = new Map<string, { table: Promise<TableInfo | undefined>; loadedAt: number }>()

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
    const table = await this.load(cacheKey, name, notOlderThan)
    if (!table) {
      throw InvalidRequestError.field(
        'table',
        `Table ${describeTable(name)} does not exist. If the table name contains capitals or special characters you must quote it.`,
      )
    }
    return table
  }

  /** Joins a catalog query for this table already running, if it started late enough. */
  private load(
    cacheKey: string,
    name: ReturnType<typeof parseTableName>,
    notOlderThan: number | undefined,
  ): Promise<TableInfo | undefined> {
    const running = this.loading.get(cacheKey)
    if (running && (notOlderThan === undefined || running.loadedAt >= notOlderThan)) return running.table
    const loadedAt = Date.now()
    const table = loadTableInfo(this.pool, name).then((table) => {
      // A load that started later (a new shape's) may have finished first; keep the newer answer.
      const cached = this.cache.get(cacheKey)
      if (cached && cached.loadedAt > loadedAt) return table
      if (!table) this.cache.delete(cacheKey)
      else {
        if (this.cache.size > 10_000) this.cache.clear()
        this.cache.set(cacheKey, { table, loadedAt })
      }
      return table
    })
    const entry = { table, loadedAt }
    this.loading.set(cacheKey, entry)
    const forget = () => {
      if (this.loading.get(cacheKey) === entry) this.loading.delete(cacheKey)
    }
    table.then(forget, forget)
    return table
  }
}

/** `pg_catalog`, `pg_toast`, `pg_temp_n`… (Postgres reserves the `pg_` prefix) and `information_schema`. */
function isSystemSchema(schema: string): boolean {
  return schema.startsWith('pg_') || schema === 'information_schema'
}
