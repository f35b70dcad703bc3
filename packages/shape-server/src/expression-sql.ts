import { quoteIdentifier } from './identifiers.ts'
import type { AstNode } from './where-clause.ts'

/**
 * SQL text for a validated expression tree (the node kinds `where-clause.ts` accepts). Splitting a
 * where clause into its conditions (for subquery tags) needs the text of each part, and the
 * parser gives start positions only; so the parts are printed from the tree, every sub-expression
 * in parentheses so that precedence never depends on the printing. The output is parsed and
 * validated again before use (`compileWhere`), parameters keep their original `$n`.
 */
export function expressionSql(wrapper: AstNode): string {
  const [type, node] = Object.entries(wrapper)[0] ?? []
  switch (type) {
    case 'BoolExpr':
      return booleanSql(node)
    case 'A_Expr':
      return operatorSql(node)
    case 'NullTest':
      return `(${expressionSql(node.arg)} ${node.nulltesttype === 'IS_NULL' ? 'IS NULL' : 'IS NOT NULL'})`
    case 'BooleanTest':
      return `(${expressionSql(node.arg)} ${BOOLEAN_TESTS[node.booltesttype as string] ?? unsupported(type)})`
    case 'ColumnRef':
      return quoteIdentifier(node.fields[0].String.sval)
    case 'A_Const':
      return constantSql(node)
    case 'ParamRef':
      return `$${node.number}`
    case 'TypeCast':
      return `(${expressionSql(node.arg)})::${typeNameSql(node.typeName)}`
    case 'FuncCall':
      return `${(node.funcname as AstNode[]).map((name) => quoteIdentifier(name.String.sval)).join('.')}(${listSql(node.args)})`
    case 'CoalesceExpr':
      return `COALESCE(${listSql(node.args)})`
    case 'MinMaxExpr':
      return `${node.op === 'IS_GREATEST' ? 'GREATEST' : 'LEAST'}(${listSql(node.args)})`
    case 'A_ArrayExpr':
      return `ARRAY[${listSql(node.elements)}]`
    case 'SubLink':
      return subqueryMembershipSql(node)
    default:
      return unsupported(type)
  }
}

const BOOLEAN_TESTS: Record<string, string> = {
  IS_TRUE: 'IS TRUE',
  IS_NOT_TRUE: 'IS NOT TRUE',
  IS_FALSE: 'IS FALSE',
  IS_NOT_FALSE: 'IS NOT FALSE',
  IS_UNKNOWN: 'IS UNKNOWN',
  IS_NOT_UNKNOWN: 'IS NOT UNKNOWN',
}

function unsupported(type: string | undefined): never {
  throw new Error(`Cannot print expression node ${type ?? 'empty'}`)
}

function listSql(items: AstNode[] | undefined): string {
  return (items ?? []).map(expressionSql).join(', ')
}

function booleanSql(node: AstNode): string {
  const args: string[] = (node.args ?? []).map(expressionSql)
  if (node.boolop === 'NOT_EXPR') return `(NOT ${args[0]})`
  return `(${args.join(node.boolop === 'AND_EXPR' ? ' AND ' : ' OR ')})`
}

function operatorSql(node: AstNode): string {
  const names: AstNode[] = node.name ?? []
  const operator: string = names[names.length - 1].String.sval
  const left = node.lexpr ? expressionSql(node.lexpr) : undefined
  const items: AstNode[] | undefined = node.rexpr?.List?.items
  const right = items ? undefined : expressionSql(node.rexpr)
  switch (node.kind) {
    case 'AEXPR_OP':
      return left === undefined ? `(${operator} ${right})` : `(${left} ${operator} ${right})`
    case 'AEXPR_OP_ANY':
      return `(${left} ${operator} ANY (${right}))`
    case 'AEXPR_OP_ALL':
      return `(${left} ${operator} ALL (${right}))`
    case 'AEXPR_DISTINCT':
      return `(${left} IS DISTINCT FROM ${right})`
    case 'AEXPR_NOT_DISTINCT':
      return `(${left} IS NOT DISTINCT FROM ${right})`
    case 'AEXPR_IN':
      return `(${left} ${operator === '<>' ? 'NOT IN' : 'IN'} (${listSql(items)}))`
    case 'AEXPR_LIKE':
      return `(${left} ${operator === '!~~' ? 'NOT LIKE' : 'LIKE'} ${right})`
    case 'AEXPR_ILIKE':
      return `(${left} ${operator === '!~~*' ? 'NOT ILIKE' : 'ILIKE'} ${right})`
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM': {
      const [low, high] = (items ?? []).map(expressionSql)
      const keyword = {
        AEXPR_BETWEEN: 'BETWEEN',
        AEXPR_NOT_BETWEEN: 'NOT BETWEEN',
        AEXPR_BETWEEN_SYM: 'BETWEEN SYMMETRIC',
        AEXPR_NOT_BETWEEN_SYM: 'NOT BETWEEN SYMMETRIC',
      }[node.kind as string]
      return `(${left} ${keyword} ${low} AND ${high})`
    }
    default:
      return unsupported(`A_Expr ${node.kind}`)
  }
}

function constantSql(node: AstNode): string {
  if (node.isnull) return 'NULL'
  if (node.ival) return `(${node.ival.ival ?? 0})`
  if (node.fval) return `(${node.fval.fval})`
  if (node.boolval) return node.boolval.boolval === true ? 'true' : 'false'
  if (node.sval) return `'${(node.sval.sval ?? '').replaceAll("'", "''")}'`
  if (node.bsval) {
    const text: string = node.bsval.bsval
    return `${text[0].toUpperCase()}'${text.slice(1)}'`
  }
  return unsupported('A_Const')
}

function typeNameSql(typeName: AstNode): string {
  let sql = (typeName.names as AstNode[]).map((name) => quoteIdentifier(name.String.sval)).join('.')
  const modifiers: AstNode[] = typeName.typmods ?? []
  if (modifiers.length > 0) sql += `(${modifiers.map((modifier) => modifier.A_Const.ival.ival ?? 0).join(', ')})`
  for (const _bound of typeName.arrayBounds ?? []) sql += '[]'
  return sql
}

/** The subquery membership test as written: `column IN (SELECT column FROM table [WHERE …])`. */
function subqueryMembershipSql(node: AstNode): string {
  const select = node.subselect.SelectStmt
  const column = quoteIdentifier(select.targetList[0].ResTarget.val.ColumnRef.fields[0].String.sval)
  const where = select.whereClause ? ` WHERE ${expressionSql(select.whereClause)}` : ''
  return `(${expressionSql(node.testexpr)} IN (SELECT ${column} FROM ${rangeSql(select.fromClause[0].RangeVar)}${where}))`
}

export function rangeSql(range: AstNode): string {
  return range.schemaname
    ? `${quoteIdentifier(range.schemaname)}.${quoteIdentifier(range.relname)}`
    : quoteIdentifier(range.relname)
}
