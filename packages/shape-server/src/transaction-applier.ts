import { convertChanges, type EvaluatedChange } from './change-converter.ts'
import type { Logger } from './logger.ts'
import type { Relation, TupleData } from './pgoutput-decoder.ts'
import type { ReplicatedTransaction } from './replication-stream.ts'
import { emptyRow, type RowValues } from './row-key.ts'
import type { ActiveShape } from './shape.ts'
import type { SqlPredicateEvaluator } from './sql-predicate-evaluator.ts'
import type { CompiledWhere } from './where-clause.ts'

interface TableChange {
  kind: 'insert' | 'update' | 'delete'
  relation: Relation
  oldRow: RowValues | null
  newRow: RowValues | null
  /** The old row is missing columns because the table is not REPLICA IDENTITY FULL. */
  incompleteOldRow: boolean
  opPosition: number
}

export interface TableChanges {
  changes: TableChange[]
  truncated: boolean
}

export const REPLICA_IDENTITY_LOST = 'replica identity is not FULL'

export interface ApplyOutcome {
  /** Shapes that must be rotated, with the reason. */
  rotations: Array<{ shape: ActiveShape; reason: string }>
}

function toRow(relation: Relation, tuple: TupleData, fallback: RowValues | null): RowValues {
  const row = emptyRow()
  relation.columns.forEach((column, index) => {
    const value = tuple[index]
    // An unchanged TOAST value is not resent; REPLICA IDENTITY FULL gives it in the old row.
    row[column.name] = value === undefined ? (fallback?.[column.name] ?? null) : value
  })
  return row
}

/**
 * Groups a transaction's row changes by table, with rows keyed by column name. Tables nobody
 * watches are skipped (op positions still count every change, so offsets stay the same).
 */
export function groupByTable(
  transaction: ReplicatedTransaction,
  wanted: (oid: number) => boolean,
): Map<number, TableChanges> {
  const tables = new Map<number, TableChanges>()
  const entry = (oid: number) => {
    let changes = tables.get(oid)
    if (!changes) {
      changes = { changes: [], truncated: false }
      tables.set(oid, changes)
    }
    return changes
  }
  let opPosition = 0
  for (const change of transaction.changes) {
    if (change.kind === 'relation') continue
    if (change.kind === 'truncate') {
      for (const relation of change.relations) if (wanted(relation.oid)) entry(relation.oid).truncated = true
      continue
    }
    const relation = change.relation
    if (!wanted(relation.oid)) {
      opPosition += 2
      continue
    }
    if (change.kind === 'insert') {
      entry(relation.oid).changes.push({
        kind: 'insert',
        relation,
        oldRow: null,
        newRow: toRow(relation, change.newRow, null),
        incompleteOldRow: false,
        opPosition,
      })
    } else if (change.kind === 'update') {
      const oldRow = change.oldRow ? toRow(relation, change.oldRow, null) : null
      entry(relation.oid).changes.push({
        kind: 'update',
        relation,
        oldRow,
        newRow: toRow(relation, change.newRow, oldRow),
        incompleteOldRow: oldRow === null,
        opPosition,
      })
    } else {
      entry(relation.oid).changes.push({
        kind: 'delete',
        relation,
        oldRow: toRow(relation, change.oldRow, null),
        newRow: null,
        incompleteOldRow: change.keyOnly,
        opPosition,
      })
    }
    opPosition += 2
  }
  return tables
}

/**
 * Appends one table's changes of one transaction to the given active shapes: checks the
 * relation, evaluates where clauses (in process or in one Postgres statement for all shapes
 * that need it) and converts the changes into log entries.
 */
export async function applyTableChanges(
  transaction: ReplicatedTransaction,
  tableChanges: TableChanges,
  shapes: readonly ActiveShape[],
  evaluator: SqlPredicateEvaluator,
  log: Logger,
): Promise<ApplyOutcome> {
  const rotations: ApplyOutcome['rotations'] = []
  if (tableChanges.truncated) {
    for (const shape of shapes) rotations.push({ shape, reason: 'table truncated' })
    return { rotations }
  }
  const { changes } = tableChanges
  const eligible: ActiveShape[] = []
  for (const shape of shapes) {
    if (changes.some((change) => !shape.acceptsRelation(change.relation))) {
      rotations.push({ shape, reason: 'table schema changed' })
    } else if (changes.some((change) => change.incompleteOldRow)) {
      log.warn(
        `${shape.table.schema}.${shape.table.name} sent a change without the full old row (REPLICA IDENTITY is no longer FULL); rotating its shapes.`,
      )
      rotations.push({ shape, reason: REPLICA_IDENTITY_LOST })
    } else {
      eligible.push(shape)
    }
  }
  if (eligible.length === 0 || changes.length === 0) return { rotations }

  const images: RowValues[] = []
  for (const change of changes) {
    if (change.oldRow) images.push(change.oldRow)
    if (change.newRow) images.push(change.newRow)
  }
  const needsPostgres = eligible.filter((shape) => shape.matcher.kind === 'postgres')
  const postgresResults = new Map<ActiveShape, Map<RowValues, boolean>>()
  if (needsPostgres.length > 0) {
    const table = needsPostgres[0].table
    const results = await evaluator.evaluate(
      table,
      images,
      needsPostgres.map((shape) => shape.definition.where as CompiledWhere),
    )
    needsPostgres.forEach((shape, index) => {
      postgresResults.set(shape, new Map(images.map((row, rowIndex) => [row, results[index][rowIndex]])))
    })
  }

  for (const shape of eligible) {
    if (shape.state === 'rotated') continue
    const matcher = shape.matcher
    const matches = (row: RowValues | null): boolean => {
      if (!row) return false
      if (matcher.kind === 'all') return true
      if (matcher.kind === 'in-process') return matcher.predicate(row)
      return postgresResults.get(shape)?.get(row) === true
    }
    const evaluated: EvaluatedChange[] = changes.map((change) => ({
      kind: change.kind,
      oldRow: change.oldRow,
      newRow: change.newRow,
      oldMatches: matches(change.oldRow),
      newMatches: matches(change.newRow),
      opPosition: change.opPosition,
    }))
    const entries = convertChanges(shape.definition, transaction, evaluated)
    if (entries.length > 0) shape.log.append(entries, transaction.endLsn)
  }
  return { rotations }
}
