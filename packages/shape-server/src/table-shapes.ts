import type { Relation } from './pgoutput-decoder.ts'
import type { RowValues } from './row-key.ts'
import type { EqualityKey } from './row-predicate.ts'
import type { Shape } from './shape.ts'
import type { TableChanges } from './transaction-applier.ts'

/**
 * The shapes on one table, indexed the way Electric's equality index does: an active shape whose
 * where clause implies `column = value` (or `column IN (values)`) is found under each value, so a
 * row change is offered only to the shapes it can match plus those without such a key. Shapes
 * still taking their snapshot see every change (they buffer it). A subquery shape's values are
 * its subquery's set, so they move (`refile`) when that set does.
 */
export class TableShapes {
  readonly all = new Set<Shape>()
  private readonly snapshotting = new Set<Shape>()
  private readonly unindexed = new Set<Shape>()
  private readonly byColumn = new Map<string, Map<string, Set<Shape>>>()
  /** The column and values each indexed shape is filed under. */
  private readonly filed = new Map<Shape, { column: string; values: Set<string> }>()
  /** The relation message the shapes were last all checked against. */
  private checkedRelation: Relation | undefined

  get size(): number {
    return this.all.size
  }

  /** Index entries (shape, value), for tests and memory estimates. */
  get entryCount(): number {
    let count = 0
    for (const { values } of this.filed.values()) count += values.size
    return count
  }

  add(shape: Shape): void {
    this.all.add(shape)
    this.snapshotting.add(shape)
  }

  /**
   * The snapshot is done: from now on the shape is offered only the rows its key allows (by
   * default the equality its in-process predicate implies; `null`: every row).
   */
  activate(shape: Shape, key: EqualityKey | null = equalityOf(shape) ?? null): void {
    if (!this.snapshotting.delete(shape)) return
    if (!key) {
      this.unindexed.add(shape)
      return
    }
    this.filed.set(shape, { column: key.column, values: new Set() })
    this.refile(shape, key.values, [])
  }

  /** Files an indexed shape under values that entered its key and takes it out of those that left. */
  refile(shape: Shape, added: Iterable<string>, removed: Iterable<string>): void {
    const filed = this.filed.get(shape)
    if (!filed) return
    let byValue = this.byColumn.get(filed.column)
    if (!byValue) {
      byValue = new Map()
      this.byColumn.set(filed.column, byValue)
    }
    for (const value of removed) {
      if (!filed.values.delete(value)) continue
      const shapes = byValue.get(value)
      shapes?.delete(shape)
      if (shapes?.size === 0) byValue.delete(value)
    }
    for (const value of added) {
      if (filed.values.has(value)) continue
      filed.values.add(value)
      let shapes = byValue.get(value)
      if (!shapes) {
        shapes = new Set()
        byValue.set(value, shapes)
      }
      shapes.add(shape)
    }
    if (byValue.size === 0) this.byColumn.delete(filed.column)
  }

  /** The values a shape is filed under (undefined when it is not indexed). */
  filedValues(shape: Shape): ReadonlySet<string> | undefined {
    return this.filed.get(shape)?.values
  }

  remove(shape: Shape): void {
    this.all.delete(shape)
    this.snapshotting.delete(shape)
    this.unindexed.delete(shape)
    const filed = this.filed.get(shape)
    if (!filed) return
    this.refile(shape, [], [...filed.values])
    this.filed.delete(shape)
  }

  /**
   * The shapes a table's changes can concern. Through the index when every change carries the
   * relation all shapes were already checked against; otherwise (a truncate, a new relation
   * message, a lost old row) every shape, so each is checked and rotated if need be.
   */
  candidatesFor(tableChanges: TableChanges): Iterable<Shape> {
    const { changes } = tableChanges
    const checked = this.checkedRelation
    if (tableChanges.truncated || changes.some((change) => change.relation !== checked || change.incompleteOldRow)) {
      const relation = changes.at(-1)?.relation
      if (relation && !tableChanges.truncated) this.checkedRelation = relation
      return [...this.all]
    }
    const rows: RowValues[] = []
    for (const change of changes) {
      // An update is looked up under both its old and its new value: the row may leave one
      // shape and enter another.
      if (change.oldRow) rows.push(change.oldRow)
      if (change.newRow) rows.push(change.newRow)
    }
    return this.candidates(rows)
  }

  /** The shapes any of these row images (old and new) can concern. */
  candidates(rows: Iterable<RowValues>): Set<Shape> {
    const found = new Set<Shape>([...this.snapshotting, ...this.unindexed])
    if (this.byColumn.size === 0) return found
    for (const row of rows) {
      for (const [column, byValue] of this.byColumn) {
        const value = row[column]
        if (value === null || value === undefined) continue
        const shapes = byValue.get(value)
        if (shapes) for (const shape of shapes) found.add(shape)
      }
    }
    return found
  }
}

function equalityOf(shape: Shape): EqualityKey | undefined {
  return shape.matcher.kind === 'in-process' ? shape.matcher.equality : undefined
}
