import type { Relation } from './pgoutput-decoder.ts'
import type { ReplicatedTransaction } from './replication-stream.ts'
import type { EqualityKey, RowPredicate } from './row-predicate.ts'
import type { ShapeDefinition } from './shape-definition.ts'
import { type ByteMeter, ShapeLog } from './shape-log.ts'
import type { PostgresSnapshot } from './snapshot-query.ts'
import { SubqueryShapeState } from './subquery-runtime.ts'
import { replicatedColumns } from './table-catalog.ts'

/** How replicated rows are tested against the where clause. */
export type RowMatcher =
  | { kind: 'all' }
  | { kind: 'in-process'; predicate: RowPredicate; equality?: EqualityKey }
  | { kind: 'postgres' }

export type ShapeState = 'snapshotting' | 'active' | 'rotated'

export class Shape {
  state: ShapeState = 'snapshotting'
  log: ShapeLog | undefined
  matcher: RowMatcher = { kind: 'all' }
  /** Transactions that arrived while the snapshot was being taken; filtered on activation. */
  buffered: ReplicatedTransaction[] = []
  lastUsedAt = Date.now()
  rotationReason: string | undefined
  /** Subquery sets, tags and moves, for shapes whose where has `IN (SELECT …)`. */
  readonly subqueries: SubqueryShapeState | undefined
  /** Resolves with the shape, typed as having its log, once its snapshot is done. */
  readonly ready: Promise<ActiveShape>
  private resolveReady!: (shape: ActiveShape) => void
  private rejectReady!: (error: Error) => void
  private snapshot: PostgresSnapshot | undefined
  private xip = new Set<bigint>()
  private filteringBySnapshot = true
  private acceptedRelation: Relation | undefined

  constructor(
    readonly handle: string,
    readonly definition: ShapeDefinition,
  ) {
    this.subqueries = definition.plan ? new SubqueryShapeState(handle, definition) : undefined
    this.ready = new Promise<ActiveShape>((resolve, reject) => {
      this.resolveReady = resolve
      this.rejectReady = reject
    })
    // Requests attach their own handlers; a failed snapshot with nobody waiting is not an error.
    this.ready.catch(() => {})
  }

  get isRotated(): boolean {
    return this.state === 'rotated'
  }

  get table() {
    return this.definition.table
  }

  startLog(snapshot: PostgresSnapshot, chunks: string[], maxReadBytes: number, meter?: ByteMeter): void {
    this.snapshot = snapshot
    this.xip = new Set(snapshot.xip)
    this.log = new ShapeLog(chunks, maxReadBytes, meter)
  }

  /**
   * A shape read back from disk after a restart: its snapshot's visibility (whether transactions
   * still need filtering against it) is where it was at the checkpoint the log is complete to.
   */
  restoreLog(snapshot: PostgresSnapshot, filteringBySnapshot: boolean, log: ShapeLog): void {
    this.snapshot = snapshot
    this.xip = new Set(snapshot.xip)
    this.filteringBySnapshot = filteringBySnapshot
    this.log = log
  }

  /** What `isInSnapshot` depends on, for the disk store. */
  get snapshotFilter(): { snapshot: PostgresSnapshot; filtering: boolean } | undefined {
    return this.snapshot && { snapshot: this.snapshot, filtering: this.filteringBySnapshot }
  }

  markActive(): void {
    if (!hasLog(this)) throw new Error(`Shape ${this.handle} cannot become active before its snapshot is stored`)
    this.state = 'active'
    this.buffered = []
    this.resolveReady(this)
  }

  fail(error: Error): void {
    this.state = 'rotated'
    this.rotationReason = error.message
    this.buffered = []
    this.rejectReady(error)
  }

  rotate(reason: string): void {
    if (this.state === 'rotated') return
    const wasSnapshotting = this.state === 'snapshotting'
    this.state = 'rotated'
    this.rotationReason = reason
    this.buffered = []
    this.log?.wake()
    if (wasSnapshotting) this.rejectReady(new ShapeRotatedError(reason))
  }

  /**
   * A transaction whose xid is visible in the snapshot is already in the snapshot rows. Once a
   * transaction started after the snapshot (xid ≥ xmax) went by, no visible one can follow.
   */
  isInSnapshot(xid: number): boolean {
    if (!this.filteringBySnapshot || !this.snapshot) return false
    const { xmin, xmax } = this.snapshot
    // Widen the 32-bit xid to 64 bits relative to xmax (xids are compared modulo 2^32).
    const delta = (xid - Number(xmax & 0xffffffffn)) | 0
    const fullXid = xmax + BigInt(delta)
    if (fullXid >= xmax) {
      this.filteringBySnapshot = false
      return false
    }
    return fullXid < xmin || !this.xip.has(fullXid)
  }

  /** False when the relation's columns no longer match what the shape was built from. */
  acceptsRelation(relation: Relation): boolean {
    if (relation === this.acceptedRelation) return true
    const expected = replicatedColumns(this.table)
    const matches =
      relation.schema === this.table.schema &&
      relation.name === this.table.name &&
      relation.columns.length === expected.length &&
      relation.columns.every(
        (column, index) => column.name === expected[index].name && column.typeOid === expected[index].typeOid,
      )
    if (matches) this.acceptedRelation = relation
    return matches
  }
}

export class ShapeRotatedError extends Error {}

/**
 * A shape whose snapshot has been taken: it has a log, whatever happens to it afterwards. What
 * `ready` resolves with, and the only kind of shape requests are served from or changes applied to.
 */
export type ActiveShape = Shape & { readonly log: ShapeLog }

export function hasLog(shape: Shape): shape is ActiveShape {
  return shape.log !== undefined
}
