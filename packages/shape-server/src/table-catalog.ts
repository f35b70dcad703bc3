import type pg from 'pg'
import type { QualifiedTableName } from './identifiers.ts'

export interface ColumnInfo {
  name: string
  typeOid: number
  /** `pg_type.typname`; for arrays the element's name, as in `electric-schema`. */
  typeName: string
  /** Schema-qualified type for `text::type` casts (keeps arrays, domains, enums intact). */
  castType: string
  typeMod: number
  /** Array dimensions, 0 for scalars. */
  dims: number
  /** `pg_type.typtype` of the (element) type: b base, e enum, d domain, c composite, r range. */
  typeKind: string
  notNull: boolean
  /** Position in the primary key, or -1. */
  primaryKeyIndex: number
  generated: boolean
  deterministicCollation: boolean
}

export interface TableInfo extends QualifiedTableName {
  oid: number
  columns: ColumnInfo[]
  columnsByName: Map<string, ColumnInfo>
  /** Primary key columns in key order; all columns when the table has no primary key. */
  keyColumns: string[]
}

interface ColumnRow {
  attname: string
  atttypid: string
  typname: string
  elem_typname: string | null
  typtype: string
  elem_typtype: string | null
  cast_type: string
  atttypmod: string
  attndims: string
  attnotnull: string
  attgenerated: string
  pk_index: string | null
  deterministic: string
}

/** Looks a table up with bound parameters; returns undefined when it does not exist. */
export async function loadTableInfo(pool: pg.Pool, table: QualifiedTableName): Promise<TableInfo | undefined> {
  const { rows: relations } = await pool.query<{ oid: string }>(
    `SELECT c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [table.schema, table.name],
  )
  if (relations.length === 0) return undefined
  const oid = Number(relations[0].oid)
  const { rows } = await pool.query<ColumnRow>(
    `SELECT a.attname, a.atttypid::int8 AS atttypid, t.typname, et.typname AS elem_typname,
            t.typtype, et.typtype AS elem_typtype, format('%I.%I', tn.nspname, t.typname) AS cast_type,
            a.atttypmod, a.attndims, a.attnotnull, a.attgenerated,
            (SELECT array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) FROM pg_index i
              WHERE i.indrelid = a.attrelid AND i.indisprimary) AS pk_index,
            COALESCE(coll.collisdeterministic, true) AS deterministic
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_namespace tn ON tn.oid = t.typnamespace
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
       LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [oid],
  )
  const columns: ColumnInfo[] = rows.map((row) => {
    const isArray = row.elem_typname !== null
    return {
      name: row.attname,
      typeOid: Number(row.atttypid),
      typeName: isArray ? (row.elem_typname as string) : row.typname,
      castType: row.cast_type,
      typeMod: Number(row.atttypmod),
      // attndims is 0 for arrays created through some paths (CREATE TABLE AS, domains); clients
      // only parse arrays when dims > 0.
      dims: isArray ? Math.max(1, Number(row.attndims)) : 0,
      typeKind: (isArray ? row.elem_typtype : row.typtype) ?? 'b',
      notNull: row.attnotnull === 't',
      primaryKeyIndex: row.pk_index === null ? -1 : Number(row.pk_index),
      generated: row.attgenerated !== '',
      deterministicCollation: row.deterministic === 't',
    }
  })
  const primaryKey = columns
    .filter((column) => column.primaryKeyIndex >= 0)
    .sort((a, b) => a.primaryKeyIndex - b.primaryKeyIndex)
  const replicated = columns.filter((column) => !column.generated)
  return {
    oid,
    schema: table.schema,
    name: table.name,
    columns,
    columnsByName: new Map(columns.map((column) => [column.name, column])),
    keyColumns: (primaryKey.length > 0 ? primaryKey : replicated).map((column) => column.name),
  }
}

/** Columns as pgoutput sends them (generated columns are not replicated). */
export function replicatedColumns(table: TableInfo): ColumnInfo[] {
  return table.columns.filter((column) => !column.generated)
}

export type SchemaEntry = Record<string, string | number | boolean>

const INTERVAL_FIELDS: Record<number, string> = {
  4: 'YEAR',
  2: 'MONTH',
  8: 'DAY',
  1024: 'HOUR',
  2048: 'MINUTE',
  4096: 'SECOND',
  6: 'YEAR TO MONTH',
  1032: 'DAY TO HOUR',
  3080: 'DAY TO MINUTE',
  7176: 'DAY TO SECOND',
  3072: 'HOUR TO MINUTE',
  7168: 'HOUR TO SECOND',
  6144: 'MINUTE TO SECOND',
}

function typeModifiers(column: ColumnInfo): SchemaEntry {
  const typeMod = column.typeMod
  if (typeMod < 0) return {}
  switch (column.typeName) {
    case 'varchar':
      return { max_length: typeMod - 4 }
    case 'bpchar':
      return { length: typeMod - 4 }
    case 'bit':
    case 'varbit':
      return { length: typeMod }
    case 'numeric':
      return { precision: ((typeMod - 4) >> 16) & 0xffff, scale: (typeMod - 4) & 0xffff }
    case 'time':
    case 'timetz':
    case 'timestamp':
    case 'timestamptz':
      return { precision: typeMod }
    case 'interval': {
      const entry: SchemaEntry = {}
      const precision = typeMod & 0xffff
      if (precision !== 0xffff) entry.precision = precision
      const fields = INTERVAL_FIELDS[(typeMod >> 16) & 0x7fff]
      if (fields) entry.fields = fields
      return entry
    }
    default:
      return { type_mod: typeMod }
  }
}

/** The `electric-schema` header value for the selected columns. */
export function schemaHeader(table: TableInfo, selected: string[]): string {
  const schema: Record<string, SchemaEntry> = {}
  for (const name of selected) {
    const column = table.columnsByName.get(name) as ColumnInfo
    const entry: SchemaEntry = { type: column.typeName }
    if (column.dims > 0) entry.dims = column.dims
    if (column.primaryKeyIndex >= 0) entry.pk_index = column.primaryKeyIndex
    if (column.notNull) entry.not_null = true
    Object.assign(entry, typeModifiers(column))
    schema[name] = entry
  }
  return JSON.stringify(schema)
}
