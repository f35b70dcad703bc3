/**
 * The server's view of the shape catalog (`src/sync/catalog.ts`): for each shape the table, the
 * scope column bound to `$1`, and the columns it may serve (every column of the Drizzle table but
 * the hidden ones). Table, where, params and columns come from here and from the principal — never
 * from the client. Where clauses stay in Electric's optimised `col = $1` form.
 */
import { getTableColumns, isTable } from 'drizzle-orm'
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core'
import * as schema from '~/db/schema'
import { isShapeName, SHAPE_CATALOG, SHAPE_NAMES, type ShapeName } from '~/sync/catalog'

export interface ShapeCatalogEntry {
  name: ShapeName
  table: string
  scope: 'account' | 'session' | 'member'
  /** Column bound to `$1`: the principal's account, the requested session, or (member) the session ids. */
  scopeColumn: 'account_id' | 'session_id' | 'id'
  /** SQL names of the columns the shape serves. */
  columns: string[]
}

const tablesByName = new Map<string, PgTable>(
  Object.values(schema as Record<string, unknown>)
    .filter((value): value is PgTable => isTable(value))
    .map((table) => [getTableConfig(table).name, table]),
)

function entryFor(name: ShapeName): ShapeCatalogEntry {
  const { table: tableName, scope, hidden } = SHAPE_CATALOG[name]
  const table = tablesByName.get(tableName)
  if (!table) throw new Error(`The shape catalog names table "${tableName}", which the schema does not have.`)
  const hiddenProperties: readonly string[] = hidden
  return {
    name,
    table: tableName,
    scope,
    scopeColumn: scope === 'account' ? 'account_id' : scope === 'session' ? 'session_id' : 'id',
    columns: Object.entries(getTableColumns(table))
      .filter(([property]) => !hiddenProperties.includes(property))
      .map(([, column]) => column.name),
  }
}

const ENTRIES = new Map<ShapeName, ShapeCatalogEntry>(SHAPE_NAMES.map((name) => [name, entryFor(name)]))

/** The catalog entry for a shape name from the request, or undefined (prototype keys included). */
export function findShape(name: string | null | undefined): ShapeCatalogEntry | undefined {
  return isShapeName(name) ? ENTRIES.get(name) : undefined
}

export function allShapes(): ShapeCatalogEntry[] {
  return [...ENTRIES.values()]
}

/** Electric's wire form: every identifier quoted, so mixed case and keywords survive. */
export function quotedColumns(entry: ShapeCatalogEntry) {
  return entry.columns.map((column) => `"${column}"`).join(',')
}
