import { emptyRow, keyPrefix, type RowValues } from '../../src/row-key.ts'
import type { ShapeDefinition } from '../../src/shape-definition.ts'
import type { ColumnInfo, TableInfo } from '../../src/table-catalog.ts'

const TYPES: Record<string, number> = {
  int4: 23,
  text: 25,
  bool: 16,
  uuid: 2950,
  numeric: 1700,
  date: 1082,
  mood: 90000,
}

/** A table description as table-catalog.ts would load it. */
export function table(name: string, columns: Array<[string, string, { pk?: number; kind?: string }?]>): TableInfo {
  const infos: ColumnInfo[] = columns.map(([column, type, options = {}]) => ({
    name: column,
    typeOid: TYPES[type] ?? 0,
    typeName: type,
    castType: `pg_catalog.${type}`,
    typeMod: -1,
    dims: 0,
    typeKind: options.kind ?? 'b',
    notNull: options.pk !== undefined,
    primaryKeyIndex: options.pk ?? -1,
    generated: false,
    deterministicCollation: true,
  }))
  const key = infos
    .filter((column) => column.primaryKeyIndex >= 0)
    .sort((a, b) => a.primaryKeyIndex - b.primaryKeyIndex)
  return {
    oid: 1,
    schema: 'public',
    name,
    columns: infos,
    columnsByName: new Map(infos.map((column) => [column.name, column])),
    keyColumns: (key.length > 0 ? key : infos).map((column) => column.name),
  }
}

export function definition(info: TableInfo, options: Partial<ShapeDefinition> = {}): ShapeDefinition {
  return {
    table: info,
    selectedColumns: info.columns.map((column) => column.name),
    where: undefined,
    plan: undefined,
    replica: 'default',
    logMode: 'full',
    keyPrefix: keyPrefix(info),
    identity: 'test',
    source: { where: undefined, params: [], columns: undefined, replica: 'default', logMode: 'full' },
    ...options,
  }
}

export function row(values: Record<string, string | null>): RowValues {
  return Object.assign(emptyRow(), values)
}
