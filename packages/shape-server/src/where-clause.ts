import { parse, type ScanToken, scan } from 'libpg-query'
import { errorMessage } from './errors.ts'

/**
 * Validation of `where`, `subset__where` and `subset__order_by` with the real Postgres parser,
 * restricted to the expression subset Electric supports. Accepted expressions are re-emitted
 * from the parser's tokens (comments dropped, `$n` renumbered) and always run with bound params.
 */

export class WhereClauseError extends Error {
  constructor(
    message: string,
    /** Which request field the message belongs to (`where`, `params`, `order_by`). */
    readonly field: 'where' | 'params' | 'order_by' = 'where',
  ) {
    super(message)
  }
}

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's AST is a large untyped union.
export type AstNode = Record<string, any>

export interface ExpressionContext {
  /** Columns the expression may reference. */
  columns: ReadonlySet<string>
  /**
   * Whether `column IN (SELECT …)` is accepted (shape `where`, as Electric 1.x); subset wheres
   * and `order_by` refuse subqueries, as Electric does. Only the form is checked here; the inner
   * table and its where clause are checked by `buildWherePlan`.
   */
  allowSubqueries?: boolean
  /** Type names (enums, domains) of the table's columns that casts may target besides builtins. */
  extraCastTypes: ReadonlySet<string>
}

export interface CompiledWhere {
  /** Safe SQL expression; parameters are `$1…` in the order of `paramValues`. */
  sql: string
  /** The same expression with its parameters numbered from `$<paramBase + 1>`. */
  render(paramBase: number): string
  paramValues: string[]
  /** The validated expression tree (parameter numbers are the original ones). */
  ast: AstNode
  /** Original parameter number → value. */
  params: ReadonlyMap<number, string>
  referencedColumns: ReadonlySet<string>
  /** Whether the expression contains `column IN (SELECT …)`. */
  hasSubqueries: boolean
}

/**
 * Deepest expression nesting accepted. Generated clauses stay far below it; without a bound a
 * `1+1+…` thousands deep overflows the stack of every recursive walk over the tree.
 */
export const MAX_EXPRESSION_DEPTH = 200

const TOO_DEEP = `The expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep; write it with fewer nested operators, functions or casts`

const WHERE_PREFIX = 'SELECT 1 WHERE '
const ORDER_BY_PREFIX = 'SELECT 1 ORDER BY '

/** Electric's operator list (docs guides/shapes.md + known_functions.ex); `%` and shifts are not in it. */
const BINARY_OPERATORS = new Set([
  '=',
  '<>',
  '<',
  '>',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '^',
  '&',
  '|',
  '#',
  '||',
  '~~',
  '~~*',
  '!~~',
  '!~~*',
  '@>',
  '<@',
  '&&',
])
const PREFIX_OPERATORS = new Set(['-', '+', '~', '|/', '@'])
const ANY_ALL_OPERATORS = new Set(['=', '<>', '<', '>', '<=', '>=', '~~', '~~*', '!~~', '!~~*'])

const FUNCTIONS = new Set([
  'lower',
  'upper',
  'length',
  'concat',
  'like',
  'ilike',
  'array_cat',
  'array_prepend',
  'array_append',
  'array_ndims',
  'timezone',
  'justify_days',
  'justify_hours',
  'justify_interval',
])

const CAST_TYPES = new Set([
  'bool',
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'numeric',
  'text',
  'varchar',
  'bpchar',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
])

const A_EXPR_KINDS = new Set([
  'AEXPR_OP',
  'AEXPR_OP_ANY',
  'AEXPR_OP_ALL',
  'AEXPR_DISTINCT',
  'AEXPR_NOT_DISTINCT',
  'AEXPR_IN',
  'AEXPR_LIKE',
  'AEXPR_ILIKE',
  'AEXPR_BETWEEN',
  'AEXPR_NOT_BETWEEN',
  'AEXPR_BETWEEN_SYM',
  'AEXPR_NOT_BETWEEN_SYM',
])

class ExpressionValidator {
  readonly referencedColumns = new Set<string>()
  readonly paramNumbers = new Set<number>()
  hasSubqueries = false
  private depth = 0

  constructor(
    private readonly context: ExpressionContext,
    private readonly allowParams: boolean,
  ) {}

  fail(node: AstNode | undefined, message: string): never {
    const location = typeof node?.location === 'number' && node.location >= 0 ? `At location ${node.location}: ` : ''
    throw new WhereClauseError(`${location}${message}`)
  }

  validate(wrapper: AstNode | undefined): void {
    if (this.depth >= MAX_EXPRESSION_DEPTH) throw new WhereClauseError(TOO_DEEP)
    this.depth++
    try {
      this.validateNode(wrapper)
    } finally {
      this.depth--
    }
  }

  private validateNode(wrapper: AstNode | undefined): void {
    if (!wrapper) throw new WhereClauseError('Invalid expression')
    const [type, node] = Object.entries(wrapper)[0] ?? []
    switch (type) {
      case 'BoolExpr':
      case 'CoalesceExpr':
      case 'MinMaxExpr':
        for (const arg of node.args ?? []) this.validate(arg)
        break
      case 'A_Expr':
        this.validateOperator(node)
        break
      case 'NullTest':
      case 'BooleanTest':
        this.validate(node.arg)
        break
      case 'ColumnRef':
        this.validateColumn(node)
        break
      case 'A_Const':
        break
      case 'ParamRef':
        if (!this.allowParams) this.fail(node, 'parameters are not allowed here')
        this.paramNumbers.add(node.number)
        break
      case 'TypeCast':
        this.validateCastType(node)
        this.validate(node.arg)
        break
      case 'FuncCall':
        this.validateFunction(node)
        break
      case 'A_ArrayExpr':
        for (const element of node.elements ?? []) this.validate(element)
        break
      case 'SubLink':
        this.validateSubquery(node)
        break
      case 'SQLValueFunction':
        this.fail(node, 'non-deterministic functions are not supported')
        break
      default:
        this.fail(node, `unsupported expression (${type ?? 'empty'})`)
    }
  }

  /**
   * `column IN (SELECT column FROM table [WHERE …])`, the form Electric supports: the inner select
   * has one plain column, one table and at most a where clause (validated later against that table).
   */
  private validateSubquery(node: AstNode) {
    if (!this.context.allowSubqueries) this.fail(node, 'subqueries are not supported here')
    const operator: AstNode[] = node.operName ?? []
    const plainIn = operator.length === 0 || (operator.length === 1 && operator[0].String?.sval === '=')
    if (node.subLinkType !== 'ANY_SUBLINK' || !plainIn) {
      this.fail(node, 'only `column IN (SELECT column FROM table WHERE …)` subqueries are supported')
    }
    if (!node.testexpr?.ColumnRef) {
      this.fail(node, 'the left side of `IN (SELECT …)` must be a plain column (row values are not supported)')
    }
    this.validate(node.testexpr)
    const select: AstNode | undefined = node.subselect?.SelectStmt
    const allowed = new Set(['targetList', 'fromClause', 'whereClause', 'limitOption', 'op'])
    const extra = select ? Object.keys(select).filter((key) => !allowed.has(key)) : []
    if (!select || extra.length > 0 || select.op !== 'SETOP_NONE') {
      this.fail(
        node,
        `a subquery may only select one column from one table with an optional WHERE (found ${extra.join(', ') || 'a set operation'})`,
      )
    }
    const target = select.targetList?.length === 1 ? select.targetList[0].ResTarget : undefined
    const column = target?.val?.ColumnRef?.fields
    if (!target || target.name || column?.length !== 1 || !column[0].String) {
      this.fail(node, 'a subquery must select exactly one plain column (no expressions, aliases or *)')
    }
    const from = select.fromClause?.length === 1 ? select.fromClause[0].RangeVar : undefined
    if (!from || from.alias || from.inh !== true || from.catalogname) {
      this.fail(node, 'a subquery must read exactly one table, without alias, ONLY or joins')
    }
    this.hasSubqueries = true
  }

  private validateOperator(node: AstNode) {
    const kind: string = node.kind
    if (!A_EXPR_KINDS.has(kind)) this.fail(node, `unsupported operator kind ${kind}`)
    const operator = operatorName(node)
    if (operator === undefined) this.fail(node, 'qualified operators are not supported')
    if (kind === 'AEXPR_OP') {
      const allowed = node.lexpr ? BINARY_OPERATORS : PREFIX_OPERATORS
      if (!allowed.has(operator)) this.fail(node, `unknown or unsupported operator "${operator}"`)
    } else if (kind === 'AEXPR_OP_ANY' || kind === 'AEXPR_OP_ALL') {
      if (!ANY_ALL_OPERATORS.has(operator)) this.fail(node, `unsupported operator "${operator}" with ANY/ALL`)
    }
    if (node.lexpr) this.validate(node.lexpr)
    const right = node.rexpr
    if (right?.List) {
      for (const item of right.List.items ?? []) this.validate(item)
    } else {
      this.validate(right)
    }
  }

  private validateColumn(node: AstNode) {
    const fields: AstNode[] = node.fields ?? []
    if (fields.length !== 1 || !fields[0].String) {
      this.fail(node, 'only plain column names are supported (no table prefixes or *)')
    }
    const name: string = fields[0].String.sval
    if (!this.context.columns.has(name)) this.fail(node, `column "${name}" does not exist or may not be used here`)
    this.referencedColumns.add(name)
  }

  private validateCastType(node: AstNode) {
    const typeName = node.typeName
    const names: string[] = (typeName?.names ?? []).map((name: AstNode) => name.String?.sval)
    const unqualified =
      names.length === 2 && names[0] === 'pg_catalog' ? names[1] : names.length === 1 ? names[0] : undefined
    const builtin = unqualified !== undefined && CAST_TYPES.has(unqualified)
    const tableType = names.length === 1 && this.context.extraCastTypes.has(names[0])
    if (!builtin && !tableType) this.fail(typeName ?? node, `unsupported cast to type ${names.join('.')}`)
    for (const modifier of typeName.typmods ?? []) {
      if (!modifier.A_Const?.ival) this.fail(node, 'type modifiers must be integer constants')
    }
  }

  private validateFunction(node: AstNode) {
    const names: string[] = (node.funcname ?? []).map((name: AstNode) => name.String?.sval)
    const name = names.length === 2 && names[0] === 'pg_catalog' ? names[1] : names.length === 1 ? names[0] : undefined
    if (name === undefined || !FUNCTIONS.has(name))
      this.fail(node, `unknown or unsupported function ${names.join('.')}`)
    if (node.agg_star || node.agg_distinct || node.agg_order || node.agg_filter || node.over || node.func_variadic) {
      this.fail(node, `unsupported use of function ${name}`)
    }
    for (const arg of node.args ?? []) this.validate(arg)
  }
}

function operatorName(node: AstNode): string | undefined {
  const names: AstNode[] = node.name ?? []
  if (names.length === 1) return names[0].String?.sval
  if (names.length === 2 && names[0].String?.sval === 'pg_catalog') return names[1].String?.sval
  return undefined
}

async function parseStatement(prefix: string, text: string): Promise<AstNode> {
  if (text.includes('\0')) throw new WhereClauseError('Invalid expression: contains a NUL character')
  let result: AstNode
  try {
    result = await parse(prefix + text)
  } catch (error) {
    // The parser's own limits (bison's stack, Postgres' stack check) stop deeper nesting first.
    if (/memory exhausted|stack depth limit exceeded|call stack size/i.test(errorMessage(error))) {
      throw new WhereClauseError(TOO_DEEP)
    }
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails
    const location = details?.cursorPosition !== undefined ? `At location ${details.cursorPosition}: ` : ''
    throw new WhereClauseError(`${location}${errorMessage(error)}`)
  }
  if (result.stmts?.length !== 1) throw new WhereClauseError('Only a single expression is allowed (found ";")')
  const select = result.stmts[0].stmt?.SelectStmt
  if (!select) throw new WhereClauseError('Invalid expression')
  return select
}

function ensureOnlyClauses(select: AstNode, allowed: string[]) {
  const extra = Object.keys(select).filter(
    (key) => !allowed.includes(key) && key !== 'targetList' && key !== 'limitOption' && key !== 'op',
  )
  if (extra.length > 0 || select.op !== 'SETOP_NONE' || select.targetList?.length !== 1) {
    throw new WhereClauseError(`Unexpected clause after the expression (${extra.join(', ') || select.op})`)
  }
}

/**
 * Re-emits the expression from its tokens: comments (which could swallow the SQL around it) are
 * dropped and parameters renumbered in order of first use, starting after `paramBase`.
 */
async function rewriteExpression(prefix: string, text: string) {
  const source = Buffer.from(prefix + text)
  const { tokens } = await scan(prefix + text)
  const prefixBytes = Buffer.byteLength(prefix)
  /** Original parameter number → 0-based position in the rewritten expression. */
  const renumbered = new Map<number, number>()
  const parts: Array<string | number> = []
  let cursor = prefixBytes
  for (const token of tokens as ScanToken[]) {
    if (token.start < prefixBytes) continue
    parts.push(source.toString('utf8', cursor, token.start))
    if (token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT') {
      parts.push(' ')
    } else if (token.tokenName === 'PARAM') {
      const original = Number(source.toString('utf8', token.start + 1, token.end))
      let position = renumbered.get(original)
      if (position === undefined) {
        position = renumbered.size
        renumbered.set(original, position)
      }
      parts.push(position)
    } else {
      parts.push(source.toString('utf8', token.start, token.end))
    }
    cursor = token.end
  }
  const render = (paramBase: number) =>
    parts
      .map((part) => (typeof part === 'number' ? `$${paramBase + part + 1}` : part))
      .join('')
      .trim()
  return { render, renumbered }
}

export async function compileWhere(
  where: string,
  params: ReadonlyMap<number, string>,
  context: ExpressionContext,
): Promise<CompiledWhere> {
  const select = await parseStatement(WHERE_PREFIX, where)
  ensureOnlyClauses(select, ['whereClause'])
  if (!select.whereClause) throw new WhereClauseError('Invalid expression: empty where clause')
  const validator = new ExpressionValidator(context, true)
  validator.validate(select.whereClause)
  for (const number of [...validator.paramNumbers].sort((a, b) => a - b)) {
    if (!params.has(number)) throw new WhereClauseError(`parameter $${number} was not provided`, 'params')
  }
  const { render, renumbered } = await rewriteExpression(WHERE_PREFIX, where)
  const paramValues: string[] = []
  for (const [original, position] of renumbered) paramValues[position] = params.get(original) as string
  return {
    sql: render(0),
    render,
    paramValues,
    ast: select.whereClause,
    params: new Map([...validator.paramNumbers].map((number) => [number, params.get(number) as string])),
    referencedColumns: validator.referencedColumns,
    hasSubqueries: validator.hasSubqueries,
  }
}

/** `subset__order_by`: column expressions with optional ASC/DESC and NULLS FIRST/LAST; no params. */
export async function compileOrderBy(orderBy: string, context: ExpressionContext): Promise<string> {
  let select: AstNode
  try {
    select = await parseStatement(ORDER_BY_PREFIX, orderBy)
    ensureOnlyClauses(select, ['sortClause'])
    const validator = new ExpressionValidator(context, false)
    for (const item of select.sortClause ?? []) {
      const sortBy = item.SortBy
      if (!sortBy || sortBy.useOp) throw new WhereClauseError('ORDER BY … USING is not supported')
      validator.validate(sortBy.node)
    }
  } catch (error) {
    if (error instanceof WhereClauseError) throw new WhereClauseError(error.message, 'order_by')
    throw error
  }
  return (await rewriteExpression(ORDER_BY_PREFIX, orderBy)).render(0)
}

/** Parameters for `$n` from `params[n]` / `subset__params` objects; keys must be positive integers. */
export function parameterMap(values: Record<string, unknown>): Map<number, string> {
  const params = new Map<number, string>()
  for (const [key, value] of Object.entries(values)) {
    if (!/^[1-9]\d*$/.test(key))
      throw new WhereClauseError(`invalid parameter name "${key}": expected a positive integer`, 'params')
    if (typeof value !== 'string') throw new WhereClauseError(`parameter $${key} must be a string`, 'params')
    params.set(Number(key), value)
  }
  return params
}

/**
 * Runs the parser as requests will, a hundred times: libpg-query's WebAssembly heap and the code
 * around it touch 20–35 MiB on first use (measured), which the process memory budget must find in
 * the baseline it measures at start rather than as growth after the first requests.
 */
export async function warmUpParser(): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const where = `owner = $1 AND id IN (${round}, ${round + 1}) AND (title ILIKE '%${round}%' OR done IS NOT TRUE)`
    await parseStatement(WHERE_PREFIX, where)
    await rewriteExpression(WHERE_PREFIX, where)
    await parseStatement(ORDER_BY_PREFIX, `created_at DESC NULLS LAST, id`)
  }
}
