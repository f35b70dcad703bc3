import type { QualifiedTableName } from './identifiers.ts'

/** A row as Postgres text output by column name; null for SQL NULL. */
export type RowValues = Record<string, string | null>

export function emptyRow(): RowValues {
  // No prototype: column names such as "__proto__" or "constructor" are ordinary keys.
  return Object.create(null) as RowValues
}

function escapeName(name: string): string {
  return name.replaceAll('/', '//').replaceAll('.', '..')
}

/** Electric's key prefix: `"<schema>"."<table>"`, with `/` and `.` doubled inside the names. */
export function keyPrefix(table: QualifiedTableName): string {
  return `"${escapeName(table.schema)}"."${escapeName(table.name)}"`
}

/** `<prefix>/"<pk value>"…` in key order; NULL components are `/_`. */
export function rowKey(prefix: string, keyColumns: readonly string[], row: RowValues): string {
  let key = prefix
  for (const column of keyColumns) {
    const value = row[column]
    key += value === null || value === undefined ? '/_' : `/"${value.replaceAll('/', '//')}"`
  }
  return key
}
