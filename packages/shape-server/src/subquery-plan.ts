import { expressionSql } from './expression-sql.ts'
import { type QualifiedTableName, quoteIdentifier, quoteTable } from './identifiers.ts'
import { keyPrefix } from './row-key.ts'
import { replicatedColumns, type TableInfo } from './table-catalog.ts'
import {
  type AstNode,
  type CompiledWhere,
  compileWhere,
  type ExpressionContext,
  WhereClauseError,
} from './where-clause.ts'

/**
 * A where clause with `column IN (SELECT …)` conditions, split the way Electric's DNF plan does:
 * the clause becomes an OR of ANDs (disjuncts) over numbered conditions (positions). A position is
 * either a subquery membership test or any other condition on the row. Tags name, per disjunct,
 * the subquery values a row is in the shape for; `active_conditions` says which positions hold.
 */
export interface WherePlan {
  /** Each disjunct lists the positions that must all hold. */
  disjuncts: number[][]
  positions: PlanPosition[]
}

export type PlanPosition =
  | { kind: 'row'; where: CompiledWhere }
  | {
      kind: 'subquery'
      /** Column of the outer row tested for membership. */
      column: string
      /** `NOT IN (SELECT …)`: the condition holds when the value is *not* in the set. */
      negated: boolean
      /** Cast of that column's type, for `= ANY($n::<type>[])`. */
      castType: string
      dependency: SubqueryDependency
    }

/** `SELECT column FROM table [WHERE where]`: the rows whose `column` values a shape depends on. */
export interface SubqueryDependency {
  table: TableInfo
  column: string
  keyPrefix: string
  /** The inner where clause, when there is one; `plan` when it has subqueries of its own. */
  where: CompiledWhere | undefined
  plan: WherePlan | undefined
}

export type ResolveTable = (name: QualifiedTableName) => Promise<TableInfo>

/** Electric's limits keep the tag width small; so do ours. */
const MAX_DISJUNCTS = 16
const MAX_POSITIONS = 32
const MAX_SUBQUERY_DEPTH = 4

/**
 * Types whose text output is canonical: membership is decided on replicated text, and tag hashes
 * of the outer row and of the inner value must agree, so equal values must have equal text.
 */
const SUBQUERY_COLUMN_TYPES = new Set(['int2', 'int4', 'int8', 'text', 'varchar', 'uuid', 'bool', 'date', 'oid'])

export function expressionContextFor(table: TableInfo, allowSubqueries: boolean): ExpressionContext {
  const columns = new Set(replicatedColumns(table).map((column) => column.name))
  const extraCastTypes = new Set(
    table.columns
      .filter((column) => column.typeKind === 'e' || column.typeKind === 'd')
      .map((column) => column.typeName),
  )
  return { columns, extraCastTypes, allowSubqueries }
}

/** Builds the plan of a compiled where clause that has subqueries (validating the inner selects). */
export async function buildWherePlan(
  table: TableInfo,
  where: CompiledWhere,
  /** All of the request's parameters (the compiled clause lists only those outside subqueries). */
  params: ReadonlyMap<number, string>,
  resolveTable: ResolveTable,
  depth = 1,
): Promise<WherePlan> {
  if (depth > MAX_SUBQUERY_DEPTH) {
    throw new WhereClauseError(`subqueries may be nested at most ${MAX_SUBQUERY_DEPTH} levels deep`)
  }
  const conjunctions = disjunctiveNormalForm(where.ast)
  const positions: PlanPosition[] = []
  const positionBySql = new Map<string, number>()
  const disjuncts: number[][] = []
  for (const conjunction of conjunctions) {
    const disjunct: number[] = []
    for (const condition of conjunction) {
      const sql = expressionSql(condition)
      let position = positionBySql.get(sql)
      if (position === undefined) {
        position = positions.length
        positionBySql.set(sql, position)
        positions.push(await buildPosition(table, condition, sql, params, resolveTable, depth))
      }
      if (!disjunct.includes(position)) disjunct.push(position)
    }
    disjuncts.push(disjunct)
  }
  if (positions.length > MAX_POSITIONS) {
    throw new WhereClauseError(`a where clause with subqueries may have at most ${MAX_POSITIONS} distinct conditions`)
  }
  return { disjuncts, positions }
}

async function buildPosition(
  table: TableInfo,
  condition: AstNode,
  sql: string,
  params: ReadonlyMap<number, string>,
  resolveTable: ResolveTable,
  depth: number,
): Promise<PlanPosition> {
  const negatedLink = condition.BoolExpr?.boolop === 'NOT_EXPR' ? condition.BoolExpr.args[0]?.SubLink : undefined
  if (!condition.SubLink && !negatedLink) {
    return { kind: 'row', where: await compileWhere(sql, params, expressionContextFor(table, false)) }
  }
  const negated = negatedLink !== undefined
  const subLink = negatedLink ?? condition.SubLink
  const outerName: string = subLink.testexpr.ColumnRef.fields[0].String.sval
  const outer = table.columnsByName.get(outerName)
  const select = subLink.subselect.SelectStmt
  const range = select.fromClause[0].RangeVar
  const innerTable = await resolveTable({ schema: range.schemaname ?? 'public', name: range.relname })
  const innerName: string = select.targetList[0].ResTarget.val.ColumnRef.fields[0].String.sval
  const inner = innerTable.columnsByName.get(innerName)
  const innerLabel = `${innerTable.schema}.${innerTable.name}`
  if (!outer) throw new WhereClauseError(`column "${outerName}" does not exist`)
  if (!inner || inner.generated) {
    throw new WhereClauseError(`column "${innerName}" does not exist in ${innerLabel} or may not be used here`)
  }
  if (outer.typeOid !== inner.typeOid) {
    throw new WhereClauseError(
      `"${outerName}" IN (SELECT "${innerName}" FROM ${innerLabel} …) compares different types; this server needs both columns of the same type`,
    )
  }
  if (!SUBQUERY_COLUMN_TYPES.has(outer.typeName) || outer.dims > 0) {
    throw new WhereClauseError(
      `"${outerName}" has type ${outer.typeName}${outer.dims > 0 ? '[]' : ''}; subquery membership is supported on ${[...SUBQUERY_COLUMN_TYPES].join(', ')} columns`,
    )
  }
  if (negated && !inner.notNull) {
    // `x NOT IN (…)` is never true once the set holds a NULL; sets here never do.
    throw new WhereClauseError(
      `NOT IN (SELECT "${innerName}" FROM ${innerLabel} …) needs "${innerName}" to be NOT NULL (a NULL in the set makes NOT IN never true)`,
    )
  }
  let innerWhere: CompiledWhere | undefined
  let innerPlan: WherePlan | undefined
  if (select.whereClause) {
    innerWhere = await compileWhere(expressionSql(select.whereClause), params, expressionContextFor(innerTable, true))
    if (innerWhere.hasSubqueries) {
      innerPlan = await buildWherePlan(innerTable, innerWhere, params, resolveTable, depth + 1)
    }
  }
  return {
    kind: 'subquery',
    column: outerName,
    negated,
    castType: outer.castType,
    dependency: {
      table: innerTable,
      column: innerName,
      keyPrefix: keyPrefix(innerTable),
      where: innerWhere,
      plan: innerPlan,
    },
  }
}

function containsSubquery(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false
  if ('SubLink' in node) return true
  return Object.values(node).some(containsSubquery)
}

/**
 * The clause as an OR of ANDs of conditions. Conditions without subqueries stay whole (also under
 * NOT); a subquery may be negated itself (`NOT IN`) and combined with AND and OR, but not sit
 * inside other expressions or under the NOT of a larger expression.
 */
export function disjunctiveNormalForm(node: AstNode): AstNode[][] {
  const bool = node.BoolExpr
  if (bool && bool.boolop !== 'NOT_EXPR' && containsSubquery(node)) {
    const parts: AstNode[][][] = (bool.args as AstNode[]).map(disjunctiveNormalForm)
    if (bool.boolop === 'OR_EXPR') return limit(parts.flat())
    let product: AstNode[][] = [[]]
    for (const part of parts) {
      product = limit(product.flatMap((left) => part.map((right) => [...left, ...right])))
    }
    return product
  }
  if (node.SubLink) return [[node]]
  if (bool?.boolop === 'NOT_EXPR' && bool.args?.[0]?.SubLink) return [[node]]
  if (containsSubquery(node)) {
    throw new WhereClauseError(
      'a subquery may only be used as `column [NOT] IN (SELECT …)` combined with AND / OR (not inside other expressions or under NOT of a larger expression)',
    )
  }
  return [[node]]
}

function limit(disjuncts: AstNode[][]): AstNode[][] {
  if (disjuncts.length > MAX_DISJUNCTS) {
    throw new WhereClauseError(`the where clause expands to more than ${MAX_DISJUNCTS} OR-ed alternatives`)
  }
  return disjuncts
}

/** Every table the plan reads, the shape's own included (deduplicated by oid). */
export function planTables(table: TableInfo, plan: WherePlan | undefined, into = new Map<number, TableInfo>()) {
  into.set(table.oid, table)
  for (const position of plan?.positions ?? []) {
    if (position.kind === 'subquery') planTables(position.dependency.table, position.dependency.plan, into)
  }
  return into
}

/**
 * The plan as SQL with its subqueries evaluated by Postgres, every table schema-qualified as it was
 * resolved (the text as written would let `FROM pg_class` resolve to the catalog, which
 * `pg_catalog` precedes on every search path). Parameters are appended to `values`.
 */
export function livePlanSql(plan: WherePlan, values: unknown[]): string {
  const rendered = plan.disjuncts.map((disjunct) => {
    const conditions = disjunct.map((index) => {
      const position = plan.positions[index]
      if (position.kind === 'row') {
        const sql = position.where.render(values.length)
        values.push(...position.where.paramValues)
        return `(${sql})`
      }
      const membership = `${quoteIdentifier(position.column)} IN (${liveDependencySql(position.dependency, values)})`
      return position.negated ? `(NOT (${membership}))` : `(${membership})`
    })
    return `(${conditions.join(' AND ')})`
  })
  return rendered.join(' OR ')
}

/** `SELECT column FROM "schema"."table" [WHERE …]` of a dependency, nested subqueries qualified too. */
export function liveDependencySql(dependency: SubqueryDependency, values: unknown[]): string {
  const { table, column, where, plan } = dependency
  let condition = ''
  if (plan) condition = livePlanSql(plan, values)
  else if (where) {
    condition = where.render(values.length)
    values.push(...where.paramValues)
  }
  return `SELECT ${quoteIdentifier(column)} FROM ${quoteTable(table)}${condition ? ` WHERE (\n${condition}\n)` : ''}`
}
