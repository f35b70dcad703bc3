import { createHash } from 'node:crypto'
import { IdentifierError, parseIdentifierList } from './identifiers.ts'
import { keyPrefix as buildKeyPrefix } from './row-key.ts'
import { buildWherePlan, planTables, type ResolveTable, type WherePlan } from './subquery-plan.ts'
import { replicatedColumns, type TableInfo } from './table-catalog.ts'
import { type CompiledWhere, compileWhere, type ExpressionContext, WhereClauseError } from './where-clause.ts'

export type ReplicaMode = 'default' | 'full'
export type LogMode = 'full' | 'changes_only'

/** What identifies a shape: same definition → same shape and handle. */
export interface ShapeDefinition {
  table: TableInfo
  /** In table order. */
  selectedColumns: string[]
  where: CompiledWhere | undefined
  /** Present when `where` has `column IN (SELECT …)`: such shapes get tags and move-in/out. */
  plan: WherePlan | undefined
  replica: ReplicaMode
  logMode: LogMode
  keyPrefix: string
  /** Canonical identity string. */
  identity: string
  /** What the definition was built from, so a restarted server can rebuild it (`shape-store.ts`). */
  source: ShapeSource
}

/** The request's own words for a definition: table, where, params, columns and modes. */
export interface ShapeSource {
  where: string | undefined
  params: Array<[number, string]>
  columns: string | undefined
  replica: ReplicaMode
  logMode: LogMode
}

export class DefinitionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

export function expressionContext(
  table: TableInfo,
  allowed?: ReadonlySet<string>,
  allowSubqueries = false,
): ExpressionContext {
  const columns = new Set(replicatedColumns(table).map((column) => column.name))
  const usable = allowed ? new Set([...columns].filter((name) => allowed.has(name))) : columns
  const extraCastTypes = new Set(
    table.columns
      .filter((column) => column.typeKind === 'e' || column.typeKind === 'd')
      .map((column) => column.typeName),
  )
  return { columns: usable, extraCastTypes, allowSubqueries }
}

/** Parses a `columns`-style list; throws DefinitionError under `field`. */
export function parseColumnList(table: TableInfo, text: string, field: string): string[] {
  let names: string[]
  try {
    names = parseIdentifierList(text, ',')
  } catch (error) {
    if (error instanceof IdentifierError) throw new DefinitionError(field, error.message)
    throw error
  }
  for (const name of names) {
    const column = table.columnsByName.get(name)
    if (!column) throw new DefinitionError(field, `The following columns could not be found: ${name}`)
    if (column.generated) throw new DefinitionError(field, `Generated column "${name}" cannot be synced by this server`)
  }
  return names
}

export interface DefinitionInput {
  where?: string
  params: ReadonlyMap<number, string>
  columns?: string
  replica: ReplicaMode
  logMode: LogMode
  /** Looks up the tables of `IN (SELECT … FROM table)`; without it subqueries are refused. */
  resolveTable?: ResolveTable
}

/**
 * Every request re-derives its shape definition; parsing the same where clause again for each
 * long-poll would cost a WASM parse per request. Compiled clauses are immutable, so share them.
 */
const compiledWheres = new Map<string, Promise<CompiledWhere>>()
const MAX_COMPILED_WHERES = 5_000

function compileWhereCached(
  table: TableInfo,
  where: string,
  params: ReadonlyMap<number, string>,
  allowSubqueries: boolean,
): Promise<CompiledWhere> {
  const columns = table.columns.map((column) => [column.name, column.typeName, column.typeKind, column.generated])
  const cacheKey = JSON.stringify([table.oid, columns, where, [...params], allowSubqueries])
  let compiled = compiledWheres.get(cacheKey)
  if (!compiled) {
    if (compiledWheres.size >= MAX_COMPILED_WHERES) compiledWheres.clear()
    compiled = compileWhere(where, params, expressionContext(table, undefined, allowSubqueries))
    compiledWheres.set(cacheKey, compiled)
    compiled.catch(() => compiledWheres.delete(cacheKey))
  }
  return compiled
}

export async function buildShapeDefinition(table: TableInfo, input: DefinitionInput): Promise<ShapeDefinition> {
  let selectedColumns = replicatedColumns(table).map((column) => column.name)
  if (input.columns !== undefined) {
    const requested = new Set(parseColumnList(table, input.columns, 'columns'))
    const missing = table.keyColumns.filter((column) => !requested.has(column))
    if (missing.length > 0) {
      throw new DefinitionError('columns', `Must include all primary key columns, missing: ${missing.join(', ')}`)
    }
    selectedColumns = selectedColumns.filter((column) => requested.has(column))
  }
  const whereText = input.where?.trim() ? input.where : undefined
  const where =
    whereText === undefined
      ? undefined
      : await compileWhereCached(table, whereText, input.params, input.resolveTable !== undefined)
  let plan: WherePlan | undefined
  if (where?.hasSubqueries) {
    if (!input.resolveTable) throw new WhereClauseError('subqueries are not supported here')
    plan = await buildWherePlan(table, where, input.params, input.resolveTable)
  }
  const identity = JSON.stringify([
    table.oid,
    table.schema,
    table.name,
    selectedColumns,
    where?.sql ?? null,
    where?.paramValues ?? [],
    input.replica,
    input.logMode,
    // The inner tables by oid: a table dropped and created again under its name is another shape.
    plan ? [...planTables(table, plan).keys()] : [],
  ])
  return {
    table,
    selectedColumns,
    where,
    plan,
    replica: input.replica,
    logMode: input.logMode,
    keyPrefix: buildKeyPrefix(table),
    identity,
    source: {
      where: whereText,
      params: [...input.params],
      columns: input.columns,
      replica: input.replica,
      logMode: input.logMode,
    },
  }
}

/** Short stable number for the handle prefix (Electric uses a term hash the same way). */
export function identityHash(identity: string): string {
  return String(createHash('sha256').update(identity).digest().readUInt32BE(0))
}
