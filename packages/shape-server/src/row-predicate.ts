import type { RowValues } from './row-key.ts'
import type { ColumnInfo, TableInfo } from './table-catalog.ts'
import type { AstNode, CompiledWhere } from './where-clause.ts'

/**
 * In-process evaluation of the where clauses that can be decided exactly on Postgres' text
 * output: equality and IN against constants on types whose text output is canonical (two values
 * are equal exactly when their text is), IS [NOT] NULL, boolean columns and AND/OR/NOT. Constants
 * are first normalised by Postgres itself (`'007'::int4` outputs `7`). Everything else is
 * evaluated by Postgres (sql-predicate-evaluator.ts); both give the same answers.
 */

export type RowPredicate = (row: RowValues) => boolean

/** Postgres-normalises literals to the column type's text output, in one round trip. */
export type Canonicalizer = (values: { castType: string; text: string }[]) => Promise<string[]>

/** Types whose text output is canonical, so text equality is value equality. */
const CANONICAL_TEXT_TYPES = new Set(['int2', 'int4', 'int8', 'text', 'varchar', 'uuid', 'bool', 'date', 'oid'])
const INTEGER_TYPES = new Set(['int2', 'int4', 'int8'])
/** Types whose `::text` cast equals their text output (bool is not: `true` vs `t`). */
const TEXT_CASTABLE_TYPES = new Set(['text', 'varchar', 'uuid', 'int2', 'int4', 'int8'])

type Truth = boolean | null
type Evaluator = (row: RowValues) => Truth

class NotFastPath extends Error {}

interface Comparison {
  column: string
  /** Literal texts, index into `pending`. */
  literals: number[]
}

/**
 * A conjunct `column = value` / `column IN (values)` every matching row satisfies: rows whose
 * `column` text is none of `values` cannot match, whatever the rest of the clause says.
 */
export interface EqualityKey {
  column: string
  values: string[]
}

class FastPathCompiler {
  readonly pending: { castType: string; text: string; canonical?: string }[] = []
  private readonly finishers: Array<() => void> = []
  /** Positive equality comparisons by their A_Expr node, for `equalityKey`. */
  private readonly equalities = new Map<AstNode, Comparison>()

  constructor(
    private readonly table: TableInfo,
    private readonly params: ReadonlyMap<number, string>,
  ) {}

  finish(): void {
    for (const finisher of this.finishers) finisher()
  }

  /** The equality the whole clause implies: the root itself, or a conjunct of a root AND. */
  equalityKey(root: AstNode): EqualityKey | undefined {
    const conjuncts: AstNode[] = root.BoolExpr?.boolop === 'AND_EXPR' ? (root.BoolExpr.args ?? []) : [root]
    for (const conjunct of conjuncts) {
      const comparison = conjunct.A_Expr ? this.equalities.get(conjunct.A_Expr) : undefined
      if (comparison) {
        return {
          column: comparison.column,
          values: comparison.literals.map((index) => this.pending[index].canonical as string),
        }
      }
    }
    return undefined
  }

  compile(wrapper: AstNode): Evaluator {
    const [type, node] = Object.entries(wrapper)[0] ?? []
    switch (type) {
      case 'BoolExpr':
        return this.boolean(node)
      case 'A_Const':
        if (node.boolval !== undefined) {
          const value = node.boolval.boolval === true
          return () => value
        }
        if (node.isnull) return () => null
        throw new NotFastPath()
      case 'ColumnRef': {
        const column = this.column(node)
        if (column.typeName !== 'bool' || column.dims > 0) throw new NotFastPath()
        return (row) => truthOfBool(row[column.name])
      }
      case 'NullTest': {
        if (!node.arg?.ColumnRef) throw new NotFastPath()
        const name = this.column(node.arg.ColumnRef).name
        return node.nulltesttype === 'IS_NULL' ? (row) => row[name] === null : (row) => row[name] !== null
      }
      case 'BooleanTest':
        return this.booleanTest(node)
      case 'A_Expr':
        return this.operator(node)
      default:
        throw new NotFastPath()
    }
  }

  private boolean(node: AstNode): Evaluator {
    const args: Evaluator[] = (node.args ?? []).map((arg: AstNode) => this.compile(arg))
    if (node.boolop === 'NOT_EXPR') {
      const [inner] = args
      return (row) => {
        const value = inner(row)
        return value === null ? null : !value
      }
    }
    const isAnd = node.boolop === 'AND_EXPR'
    return (row) => {
      let sawNull = false
      for (const arg of args) {
        const value = arg(row)
        if (value === null) sawNull = true
        else if (value !== isAnd) return value
      }
      return sawNull ? null : isAnd
    }
  }

  private booleanTest(node: AstNode): Evaluator {
    if (!node.arg?.ColumnRef) throw new NotFastPath()
    const column = this.column(node.arg.ColumnRef)
    if (column.typeName !== 'bool' || column.dims > 0) throw new NotFastPath()
    const name = column.name
    const test: Record<string, (value: Truth) => boolean> = {
      IS_TRUE: (value) => value === true,
      IS_NOT_TRUE: (value) => value !== true,
      IS_FALSE: (value) => value === false,
      IS_NOT_FALSE: (value) => value !== false,
      IS_UNKNOWN: (value) => value === null,
      IS_NOT_UNKNOWN: (value) => value !== null,
    }
    const check = test[node.booltesttype]
    if (!check) throw new NotFastPath()
    return (row) => check(truthOfBool(row[name]))
  }

  private operator(node: AstNode): Evaluator {
    const operator = node.name?.length === 1 ? node.name[0].String?.sval : undefined
    if (node.kind === 'AEXPR_OP' && (operator === '=' || operator === '<>')) {
      if (node.lexpr?.A_Const?.boolval !== undefined && node.rexpr?.A_Const?.boolval !== undefined) {
        const equal = (node.lexpr.A_Const.boolval.boolval === true) === (node.rexpr.A_Const.boolval.boolval === true)
        const value = operator === '=' ? equal : !equal
        return () => value
      }
      const comparison = this.comparison(node.lexpr, [node.rexpr]) ?? this.comparison(node.rexpr, [node.lexpr])
      if (!comparison) throw new NotFastPath()
      if (operator === '=') this.equalities.set(node, comparison)
      return this.membership(comparison, operator === '<>')
    }
    if (node.kind === 'AEXPR_IN' && (operator === '=' || operator === '<>')) {
      const comparison = this.comparison(node.lexpr, node.rexpr?.List?.items ?? [])
      if (!comparison) throw new NotFastPath()
      if (operator === '=') this.equalities.set(node, comparison)
      return this.membership(comparison, operator === '<>')
    }
    throw new NotFastPath()
  }

  private membership(comparison: Comparison, negate: boolean): Evaluator {
    let accepted = new Set<string>()
    this.finishers.push(() => {
      accepted = new Set(comparison.literals.map((index) => this.pending[index].canonical as string))
    })
    const name = comparison.column
    return (row) => {
      const value = row[name]
      if (value === null || value === undefined) return null
      return accepted.has(value) !== negate
    }
  }

  /** `column = literal` shapes where text equality decides; undefined otherwise. */
  private comparison(columnSide: AstNode | undefined, literalSides: AstNode[]): Comparison | undefined {
    if (!columnSide) return undefined
    let column: ColumnInfo | undefined
    let castToText = false
    if (columnSide.ColumnRef) {
      column = this.column(columnSide.ColumnRef)
      if (!CANONICAL_TEXT_TYPES.has(column.typeName)) return undefined
    } else if (columnSide.TypeCast?.arg?.ColumnRef && isTextType(columnSide.TypeCast.typeName)) {
      column = this.column(columnSide.TypeCast.arg.ColumnRef)
      const castable = TEXT_CASTABLE_TYPES.has(column.typeName) || column.typeKind === 'e'
      if (!castable) return undefined
      castToText = true
    } else {
      return undefined
    }
    if (column.dims > 0 || !column.deterministicCollation || column.typeKind === 'd') return undefined
    const literals: number[] = []
    for (const side of literalSides) {
      const text = this.literalText(side, castToText ? 'text' : column.typeName)
      if (text === undefined) return undefined
      literals.push(this.pending.push({ castType: castToText ? 'pg_catalog.text' : column.castType, text }) - 1)
    }
    return { column: column.name, literals }
  }

  /** Text of an untyped literal (string constant or parameter), or an integer for integer columns. */
  private literalText(side: AstNode | undefined, typeName: string): string | undefined {
    if (side?.ParamRef) return this.params.get(side.ParamRef.number)
    const constant = side?.A_Const
    if (!constant) return undefined
    if (constant.sval) return constant.sval.sval ?? ''
    if (constant.ival && INTEGER_TYPES.has(typeName)) return String(constant.ival.ival ?? 0)
    if (constant.boolval && typeName === 'bool') return constant.boolval.boolval === true ? 'true' : 'false'
    return undefined
  }

  private column(node: AstNode): ColumnInfo {
    const name = node.fields?.[0]?.String?.sval
    const column = this.table.columnsByName.get(name)
    if (!column || node.fields.length !== 1) throw new NotFastPath()
    return column
  }
}

function isTextType(typeName: AstNode | undefined): boolean {
  const names: string[] = (typeName?.names ?? []).map((name: AstNode) => name.String?.sval)
  const last = names[names.length - 1]
  return (last === 'text' || last === 'varchar') && !typeName?.typmods && !typeName?.arrayBounds
}

function truthOfBool(value: string | null | undefined): Truth {
  if (value === null || value === undefined) return null
  return value === 't' || value === 'true'
}

/** A predicate for the where clause when it qualifies for the in-process path, else undefined. */
export async function compileRowPredicate(
  where: CompiledWhere,
  table: TableInfo,
  canonicalize: Canonicalizer,
): Promise<RowPredicate | undefined> {
  return (await compileRowMatcher(where, table, canonicalize))?.predicate
}

/** The in-process predicate plus the equality it implies (for the shape index), if any. */
export async function compileRowMatcher(
  where: CompiledWhere,
  table: TableInfo,
  canonicalize: Canonicalizer,
): Promise<{ predicate: RowPredicate; equality?: EqualityKey } | undefined> {
  const compiler = new FastPathCompiler(table, where.params)
  let evaluate: Evaluator
  try {
    evaluate = compiler.compile(where.ast)
  } catch (error) {
    if (error instanceof NotFastPath) return undefined
    throw error
  }
  if (compiler.pending.length > 0) {
    const canonical = await canonicalize(compiler.pending)
    compiler.pending.forEach((entry, index) => {
      entry.canonical = canonical[index]
    })
  }
  compiler.finish()
  return { predicate: (row) => evaluate(row) === true, equality: compiler.equalityKey(where.ast) }
}
