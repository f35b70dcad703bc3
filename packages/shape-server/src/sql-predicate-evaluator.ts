import type pg from 'pg'
import { errorMessage } from './errors.ts'
import { quoteIdentifier } from './identifiers.ts'
import type { Logger } from './logger.ts'
import { postgresErrorCode } from './postgres-connections.ts'
import type { RowValues } from './row-key.ts'
import type { TableInfo } from './table-catalog.ts'
import type { CompiledWhere } from './where-clause.ts'

/** Keeps each statement well below Postgres' 1664 select-list entries and 65535 parameters. */
const PREDICATES_PER_QUERY = 200

/**
 * Lets Postgres evaluate where clauses on replicated rows, so any clause accepted for the
 * snapshot query has identical semantics on changes. All rows of one transaction and table are
 * checked against all such shapes in one statement: rows are bound as text arrays and cast back
 * to the column types; every shape's parameters stay bound.
 */
export class SqlPredicateEvaluator {
  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {}

  /** `result[p][r]`: does row r satisfy predicate p. */
  async evaluate(
    table: TableInfo,
    rows: readonly RowValues[],
    predicates: readonly CompiledWhere[],
  ): Promise<boolean[][]> {
    const results: boolean[][] = []
    for (let start = 0; start < predicates.length; start += PREDICATES_PER_QUERY) {
      const chunk = predicates.slice(start, start + PREDICATES_PER_QUERY)
      try {
        results.push(...(await this.run(table, rows, chunk)))
      } catch (error) {
        if (!isExpressionError(error)) throw error
        // One clause failing at run time (say, a division by zero on this row) must not hide
        // the rows from the other shapes: retry them one by one.
        for (const predicate of chunk) {
          try {
            results.push(...(await this.run(table, rows, [predicate])))
          } catch (error) {
            if (!isExpressionError(error)) throw error
            this.log.warn(
              `Where clause ${predicate.sql} failed on a replicated row of ${table.schema}.${table.name} ` +
                `(${errorMessage(error)}); treating the row as outside the shape.`,
            )
            results.push(rows.map(() => false))
          }
        }
      }
    }
    return results
  }

  private async run(table: TableInfo, rows: readonly RowValues[], predicates: readonly CompiledWhere[]) {
    const referenced = new Set<string>()
    for (const predicate of predicates) for (const column of predicate.referencedColumns) referenced.add(column)
    const columns = table.columns.filter((column) => referenced.has(column.name))
    const taken = new Set(table.columns.map((column) => column.name))
    const ordinal = uniqueName('shape_row_ordinal', taken)
    const inputNames = columns.map((_, index) => uniqueName(`shape_row_value_${index}`, taken))

    const values: unknown[] = columns.map((column) => rows.map((row) => row[column.name] ?? null))
    const selects: string[] = []
    for (const predicate of predicates) {
      selects.push(`(${'\n'}${predicate.render(values.length)}${'\n'}) IS TRUE`)
      values.push(...predicate.paramValues)
    }
    const arrays = columns.map((_, index) => `$${index + 1}::text[]`)
    const casts = columns.map(
      (column, index) => `${quoteIdentifier(inputNames[index])}::${column.castType} AS ${quoteIdentifier(column.name)}`,
    )
    const source =
      columns.length > 0
        ? `SELECT ${quoteIdentifier(ordinal)}, ${casts.join(', ')}
             FROM unnest(${arrays.join(', ')}) WITH ORDINALITY
                  AS input(${[...inputNames, ordinal].map(quoteIdentifier).join(', ')})`
        : `SELECT generate_series(1, ${rows.length}) AS ${quoteIdentifier(ordinal)}`
    const { rows: output } = await this.pool.query({
      text: `SELECT ${selects.join(', ')} FROM (${source}) AS ${quoteIdentifier(table.name)} ORDER BY ${quoteIdentifier(ordinal)}`,
      values,
      rowMode: 'array',
    })
    return predicates.map((_, predicateIndex) => output.map((row: string[]) => row[predicateIndex] === 't'))
  }
}

/** An error of the statement itself, as opposed to the connection or the server going away. */
function isExpressionError(error: unknown): boolean {
  const code = postgresErrorCode(error)
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58)/.test(code)
}

function uniqueName(base: string, taken: ReadonlySet<string>): string {
  let name = base
  while (taken.has(name)) name = `_${name}`
  return name
}
