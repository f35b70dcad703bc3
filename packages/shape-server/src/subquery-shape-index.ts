import type { EqualityKey } from './row-predicate.ts'
import type { Shape } from './shape.ts'
import type { SubqueryIndexKey } from './subquery-index-key.ts'
import type { ViewDelta } from './subquery-runtime.ts'
import { TableShapes } from './table-shapes.ts'
import type { TableChanges } from './transaction-applier.ts'

/**
 * Which subquery shapes a transaction concerns, through equality indexes per table
 * (`TableShapes`): of its own table a shape sees only the changes whose old or new row can match,
 * keyed as `subqueryIndexKey` says — by a fixed `column = value`, or by the current values of a
 * subquery every alternative requires, refiled whenever that set moves; of a table its subqueries
 * read, the changes that can move a set (`innerIndexKeys`: the inner `WHERE`'s equality, else all).
 */
export class SubqueryShapeIndex {
  /** Per table a subquery reads: the shapes whose sets follow it, by their inner key. */
  private readonly readers = new Map<number, TableShapes>()
  /** Per table: the subquery shapes on it, by their key. */
  private readonly byTable = new Map<number, TableShapes>()
  private readonly keys = new Map<Shape, SubqueryIndexKey>()
  private readonly innerKeys = new Map<Shape, ReadonlyMap<number, EqualityKey>>()

  /** Every subquery shape. */
  shapes(): Shape[] {
    return [...this.byTable.values()].flatMap((tableShapes) => [...tableShapes.all])
  }

  /** Whether any subquery shape reads the table (as its own or in a subquery). */
  reads(oid: number): boolean {
    return this.byTable.has(oid) || this.readers.has(oid)
  }

  /** A new shape, still taking its snapshot: it sees every change of every table it reads. */
  add(shape: Shape): void {
    let tableShapes = this.byTable.get(shape.table.oid)
    if (!tableShapes) {
      tableShapes = new TableShapes()
      this.byTable.set(shape.table.oid, tableShapes)
    }
    tableShapes.add(shape)
    for (const oid of innerTables(shape)) {
      let readers = this.readers.get(oid)
      if (!readers) {
        readers = new TableShapes()
        this.readers.set(oid, readers)
      }
      readers.add(shape)
    }
  }

  /**
   * Remembers the keys the shape is filed under once it is active: of its own table (none: it
   * sees every change) and per table its subqueries read (a table not in the map: every change).
   */
  setKey(
    shape: Shape,
    key: SubqueryIndexKey | undefined,
    innerKeys: ReadonlyMap<number, EqualityKey> = new Map(),
  ): void {
    if (key) this.keys.set(shape, key)
    else this.keys.delete(shape)
    this.innerKeys.set(shape, innerKeys)
  }

  /**
   * The snapshot is done and the buffered transactions applied: file the shape under its key's
   * values as they are now. Returns the values filed (for the memory estimate).
   */
  activate(shape: Shape): string[] {
    for (const oid of innerTables(shape)) {
      this.readers.get(oid)?.activate(shape, this.innerKeys.get(shape)?.get(oid) ?? null)
    }
    const tableShapes = this.byTable.get(shape.table.oid)
    const key = this.keys.get(shape)
    if (!tableShapes) return []
    if (key?.kind === 'equality') {
      tableShapes.activate(shape, key.key)
      return []
    }
    if (key?.kind === 'subquery') {
      const values = shape.subqueries?.views[key.position]?.values() ?? []
      tableShapes.activate(shape, { column: key.column, values })
      return values
    }
    tableShapes.activate(shape, null)
    return []
  }

  /**
   * A transaction moved the shape's subquery sets (`setChanges[position]`): refile it when its key
   * is one of them. Returns the values filed and unfiled (for the memory estimate).
   */
  setsMoved(shape: Shape, setChanges: readonly (ViewDelta | undefined)[]): ViewDelta | undefined {
    const key = this.keys.get(shape)
    if (key?.kind !== 'subquery') return undefined
    const delta = setChanges[key.position]
    const tableShapes = this.byTable.get(shape.table.oid)
    if (!delta || !tableShapes?.filedValues(shape)) return undefined
    if (delta.added.size === 0 && delta.removed.size === 0) return undefined
    tableShapes.refile(shape, delta.added, delta.removed)
    return delta
  }

  remove(shape: Shape): void {
    this.keys.delete(shape)
    this.innerKeys.delete(shape)
    const tableShapes = this.byTable.get(shape.table.oid)
    tableShapes?.remove(shape)
    if (tableShapes?.size === 0) this.byTable.delete(shape.table.oid)
    for (const oid of innerTables(shape)) {
      const readers = this.readers.get(oid)
      readers?.remove(shape)
      if (readers?.size === 0) this.readers.delete(oid)
    }
  }

  /** The shapes a transaction's changes (grouped by table, every table `reads` names) concern. */
  shapesFor(tables: ReadonlyMap<number, TableChanges>): Set<Shape> {
    const found = new Set<Shape>()
    for (const [oid, tableChanges] of tables) {
      const readers = this.readers.get(oid)
      if (readers) for (const shape of readers.candidatesFor(tableChanges)) found.add(shape)
      const own = this.byTable.get(oid)
      if (own) for (const shape of own.candidatesFor(tableChanges)) found.add(shape)
    }
    return found
  }

  /** The values a shape is filed under now (undefined: not indexed), for tests. */
  filedValues(shape: Shape): ReadonlySet<string> | undefined {
    return this.byTable.get(shape.table.oid)?.filedValues(shape)
  }
}

/** Tables the shape's subqueries read (its own table too when a subquery reads it). */
function innerTables(shape: Shape): Set<number> {
  const tables = new Set<number>()
  for (const view of shape.subqueries?.views ?? []) view?.collectTables(tables)
  return tables
}
