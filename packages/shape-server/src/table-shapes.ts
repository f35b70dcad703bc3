import type { RowValues } from './row-key.ts'
import type { Shape } from './shape.ts'

/**
 * The shapes on one table, indexed the way Electric's equality index does: an active shape whose
 * where clause implies `column = value` (or `column IN (values)`) is found under each value, so a
 * row change is offered only to the shapes it can match plus those without such a key. Shapes
 * still taking their snapshot see every change (they buffer it).
 */
export class TableShapes {
  readonly all = new Set<Shape>()
  private readonly snapshotting = new Set<Shape>()
  private readonly unindexed = new Set<Shape>()
  private readonly byColumn = new Map<string, Map<string, Set<Shape>>>()

  get size(): number {
    return this.all.size
  }

  add(shape: Shape): void {
    this.all.add(shape)
    this.snapshotting.add(shape)
  }

  /** The snapshot is done: from now on the shape is offered only the rows its key allows. */
  activate(shape: Shape): void {
    if (!this.snapshotting.delete(shape)) return
    const key = shape.matcher.kind === 'in-process' ? shape.matcher.equality : undefined
    if (!key) {
      this.unindexed.add(shape)
      return
    }
    let byValue = this.byColumn.get(key.column)
    if (!byValue) {
      byValue = new Map()
      this.byColumn.set(key.column, byValue)
    }
    for (const value of key.values) {
      let shapes = byValue.get(value)
      if (!shapes) {
        shapes = new Set()
        byValue.set(value, shapes)
      }
      shapes.add(shape)
    }
  }

  remove(shape: Shape): void {
    this.all.delete(shape)
    this.snapshotting.delete(shape)
    this.unindexed.delete(shape)
    const key = shape.matcher.kind === 'in-process' ? shape.matcher.equality : undefined
    const byValue = key ? this.byColumn.get(key.column) : undefined
    if (!key || !byValue) return
    for (const value of key.values) {
      const shapes = byValue.get(value)
      shapes?.delete(shape)
      if (shapes?.size === 0) byValue.delete(value)
    }
    if (byValue.size === 0) this.byColumn.delete(key.column)
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
