import type pg from 'pg'
import type { LogEntry } from './change-converter.ts'
import { errorMessage } from './errors.ts'
import { quoteTable } from './identifiers.ts'
import type { Logger } from './logger.ts'
import { postgresErrorCode } from './postgres-connections.ts'
import type { TablePublisher } from './replication-setup.ts'
import type { ReplicatedTransaction } from './replication-stream.ts'
import { type Canonicalizer, compileRowMatcher } from './row-predicate.ts'
import { findChangedTables } from './schema-watch.ts'
import { type ActiveShape, hasLog, type RowMatcher, Shape } from './shape.ts'
import { DefinitionError, identityHash, type ShapeDefinition } from './shape-definition.ts'
import { ByteMeter, ShapeLog } from './shape-log.ts'
import { type PostgresSnapshot, takeInitialSnapshot } from './snapshot-query.ts'
import type { SqlPredicateEvaluator } from './sql-predicate-evaluator.ts'
import { innerIndexKeys, subqueryIndexKey } from './subquery-index-key.ts'
import { livePlanSql, planTables } from './subquery-plan.ts'
import { type StoredSubqueryState, SubqueryRotation, SubqueryStateMismatch } from './subquery-runtime.ts'
import { SubqueryShapeIndex } from './subquery-shape-index.ts'
import type { TableInfo } from './table-catalog.ts'
import { TableShapes } from './table-shapes.ts'
import { applyTableChanges, groupByTable, REPLICA_IDENTITY_LOST } from './transaction-applier.ts'

export interface ShapeRegistryOptions {
  pool: pg.Pool
  publisher: TablePublisher
  evaluator: SqlPredicateEvaluator
  log: Logger
  /** Target size of one snapshot chunk and of one log response. */
  chunkBytes: number
  /** Beyond this many shapes the least recently used idle one is dropped (its clients resync). */
  maxShapes: number
  /**
   * One budget for the data of all shapes (snapshots and logs): past it, the least recently read
   * shapes without a waiting request are dropped until it fits again (their clients resync).
   * `limitShapeData` can lower it while running (the process memory budget, `memory-budget.ts`).
   */
  maxMemoryBytes: number
  /** A shape nobody has read for this long is dropped (`expireIdleShapes`). */
  idleShapeMs: number
  /** A shape whose change log grows past this is rotated, so clients resync from a fresh snapshot. */
  maxLogBytesPerShape: number
  /** Called whenever the queue of transactions to apply has been worked off. */
  onDrained?: () => void
  /** Told about shapes that become active or go away, to keep them on disk (`ShapeStore`). */
  persistence?: ShapePersistence
  /** A stored shape holds entries back until a checkpoint covers them (`ShapeLog.holdFrom`). */
  onEntriesHeld?: () => void
}

export interface ShapePersistence {
  shapeActivated(shape: ActiveShape): void
  shapeReleased(shape: Shape): void
}

/** A shape read back from disk after a restart (`restore`). */
export interface RestoredShapeData {
  handle: string
  definition: ShapeDefinition
  snapshot: PostgresSnapshot
  filteringBySnapshot: boolean
  chunks: string[]
  entries: LogEntry[]
  /** The checkpoint the entries are complete up to. */
  throughLsn: bigint
  /** Subquery shapes: their sets and held rows as of `throughLsn`. */
  subqueryState?: StoredSubqueryState
}

/**
 * What a shape costs besides its data: the object, its definition, predicate, handle and map
 * entries (measured: 8–10 KiB of heap for a small shape besides its data, docs/benchmarks.md). Counted against
 * the memory budget so that many tiny shapes are bounded too.
 */
export const SHAPE_OVERHEAD_BYTES = 8 * 1024

/** What filing a subquery shape under one more value costs (map and set entries), besides the value. */
const INDEX_ENTRY_BYTES = 64

type Job =
  | { kind: 'transaction'; transaction: ReplicatedTransaction }
  | { kind: 'activate'; shape: Shape; snapshot: PostgresSnapshot; chunks: string[] }

/**
 * Owns every shape: lookup by handle and by definition, creation (snapshot + activation),
 * rotation, and applying replicated transactions in commit order. Transactions and shape
 * activations go through one serial queue, so a shape's buffered transactions are applied
 * before anything that committed after them.
 */
export class ShapeRegistry {
  private readonly byHandle = new Map<string, Shape>()
  private readonly byIdentity = new Map<string, Shape>()
  /** Shapes without subqueries, per table. */
  private readonly byTable = new Map<number, TableShapes>()
  /** Subquery shapes: per table they read, and per own table by their index key. */
  private readonly subqueryIndex = new SubqueryShapeIndex()
  /** Every shape, least recently read first (a read moves it to the end). */
  private readonly recency = new Set<Shape>()
  private readonly meter = new ByteMeter()
  /** `maxMemoryBytes`, or less while the process memory budget asks for less. */
  private shapeDataLimit: number
  /** Shapes dropped to stay within the limits or for being idle (logged per shape at debug only). */
  evictedShapes = 0
  private readonly jobs: Job[] = []
  /** Run by the queue between two jobs (`betweenJobs`). */
  private readonly atRest: Array<() => void> = []
  private draining = false
  private closed = false
  private lastHandleMicros = 0
  /** End LSN of the last transaction applied. */
  processedLsn = 0n
  /**
   * Transactions applied to subquery shapes, one per shape and transaction: the work the equality
   * index saves (each costs a predicate statement when the clause has other conditions).
   */
  subqueryApplications = 0

  constructor(private readonly options: ShapeRegistryOptions) {
    this.shapeDataLimit = options.maxMemoryBytes
  }

  get shapeCount(): number {
    return this.byHandle.size
  }

  get isIdle(): boolean {
    return this.jobs.length === 0 && !this.draining
  }

  get pendingJobs(): number {
    return this.jobs.length
  }

  find(handle: string): Shape | undefined {
    return this.byHandle.get(handle)
  }

  current(definition: ShapeDefinition): Shape | undefined {
    return this.byIdentity.get(definition.identity)
  }

  allShapes(): Shape[] {
    return [...this.byHandle.values()]
  }

  /** The live shape for this definition, created (validated, published, snapshotted) if needed. */
  async obtain(definition: ShapeDefinition): Promise<Shape> {
    const existing = this.byIdentity.get(definition.identity)
    if (existing) return existing
    await this.validateWithPostgres(definition)
    const raced = this.byIdentity.get(definition.identity)
    if (raced) return raced
    this.evictIfFull()
    const shape = new Shape(this.nextHandle(definition.identity), definition)
    this.register(shape)
    void this.initialise(shape)
    return shape
  }

  /**
   * Puts back a shape a previous run of the server kept on disk, active at once: its log is
   * complete up to where replication resumes. Call before replication starts.
   */
  async restore(data: RestoredShapeData): Promise<ActiveShape> {
    const shape = new Shape(data.handle, data.definition)
    if (shape.subqueries) {
      // Before the index files the shape under its sets' values.
      if (!data.subqueryState) throw new SubqueryStateMismatch('its subquery state is missing')
      shape.subqueries.restoreState(data.subqueryState)
    }
    await this.prepareMatcher(shape)
    this.evictIfFull()
    const log = new ShapeLog(data.chunks, this.options.chunkBytes, this.meter)
    log.restore(data.entries, data.throughLsn)
    shape.restoreLog(data.snapshot, data.filteringBySnapshot, log)
    this.register(shape)
    shape.markActive()
    this.index(shape)
    const micros = Number(data.handle.split('-')[1])
    if (micros > this.lastHandleMicros) this.lastHandleMicros = micros
    this.enforceMemoryBudget()
    return shape as ActiveShape
  }

  /** Active shapes, the ones kept on disk. */
  persistableShapes(): ActiveShape[] {
    const shapes: ActiveShape[] = []
    for (const shape of this.byHandle.values()) {
      if (shape.state === 'active' && hasLog(shape)) shapes.push(shape)
    }
    return shapes
  }

  /**
   * Runs `read` between two jobs of the queue (at once when it is idle), where every shape —
   * a subquery shape's sets and held rows included — is exactly as of `processedLsn`.
   */
  betweenJobs<T>(read: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        try {
          resolve(read())
        } catch (error) {
          reject(error)
        }
      }
      if (this.draining) this.atRest.push(run)
      else run()
    })
  }

  private runAtRest() {
    for (const run of this.atRest.splice(0)) run()
  }

  private register(shape: Shape) {
    const { definition } = shape
    this.byHandle.set(shape.handle, shape)
    this.byIdentity.set(definition.identity, shape)
    this.recency.add(shape)
    this.meter.bytes += SHAPE_OVERHEAD_BYTES
    // Subquery views and held rows count against the budget like logs do (restored ones have some).
    if (shape.subqueries) {
      shape.subqueries.held.meter = this.meter
      this.meter.bytes += shape.subqueries.held.bytes
      this.subqueryIndex.add(shape)
      return
    }
    let tableShapes = this.byTable.get(definition.table.oid)
    if (!tableShapes) {
      tableShapes = new TableShapes()
      this.byTable.set(definition.table.oid, tableShapes)
    }
    tableShapes.add(shape)
  }

  rotate(shape: Shape, reason: string, logLevel: 'info' | 'debug' = 'info'): void {
    if (this.byHandle.get(shape.handle) === shape) this.byHandle.delete(shape.handle)
    if (this.byIdentity.get(shape.definition.identity) === shape) this.byIdentity.delete(shape.definition.identity)
    // Logs of shapes still registered count against the budget; a rotated one is released.
    if (this.recency.delete(shape)) {
      this.meter.bytes -= SHAPE_OVERHEAD_BYTES + (shape.log?.bytes ?? 0) + (shape.subqueries?.held.bytes ?? 0)
      if (shape.subqueries) shape.subqueries.held.meter = undefined
    }
    if (shape.subqueries) this.subqueryIndex.remove(shape)
    else {
      const tableShapes = this.byTable.get(shape.table.oid)
      tableShapes?.remove(shape)
      if (tableShapes?.size === 0) this.byTable.delete(shape.table.oid)
    }
    // At shutdown every shape goes at once: one line for all of them (close()), not one each.
    if (shape.state !== 'rotated' && !this.closed)
      this.options.log[logLevel](`Rotating shape ${shape.handle} (${reason})`)
    // At shutdown the shapes stay on disk for the next start.
    if (!this.closed && shape.state !== 'rotated') this.options.persistence?.shapeReleased(shape)
    shape.rotate(reason)
  }

  /**
   * Rotates the shapes whose table was dropped, renamed or altered since they were built (see
   * `findChangedTables`); their requests get a 409, or a 400 once the table is gone.
   */
  async rotateShapesOnChangedTables(): Promise<void> {
    const tables = new Set<TableInfo>()
    for (const shapes of this.byTable.values()) for (const shape of shapes.all) tables.add(shape.table)
    // The tables subquery shapes read (their own included), as they resolved them.
    const readBy = new Map<TableInfo, Set<Shape>>()
    for (const shape of this.subqueryIndex.shapes()) {
      for (const table of planTables(shape.table, shape.definition.plan).values()) {
        tables.add(table)
        let readers = readBy.get(table)
        if (!readers) {
          readers = new Set()
          readBy.set(table, readers)
        }
        readers.add(shape)
      }
    }
    const changed = await findChangedTables(this.options.pool, [...tables])
    for (const [table, reason] of changed) {
      this.options.publisher.forget(table.oid)
      for (const shape of [...(this.byTable.get(table.oid)?.all ?? [])]) {
        if (shape.table === table) this.rotate(shape, reason)
      }
      for (const shape of readBy.get(table) ?? []) {
        this.rotate(shape, shape.table === table ? reason : `${reason} (read by a subquery of the shape)`)
      }
    }
  }

  /** Wakes every waiting request and forgets all shapes (server shutdown). */
  close(): void {
    this.closed = true
    this.options.log.info(
      `Releasing ${this.byHandle.size} shapes${this.options.persistence ? ' (kept on disk for the next start)' : ''}`,
    )
    for (const shape of this.allShapes()) this.rotate(shape, 'server shutting down')
    this.jobs.length = 0
  }

  enqueueTransaction(transaction: ReplicatedTransaction): void {
    this.enqueue({ kind: 'transaction', transaction })
  }

  private enqueue(job: Job) {
    this.jobs.push(job)
    void this.drain()
  }

  private async drain() {
    if (this.draining) return
    this.draining = true
    try {
      for (let job = this.jobs.shift(); job; job = this.jobs.shift()) {
        if (job.kind === 'transaction') {
          await this.applyTransaction(job.transaction)
          await this.applySubqueryTransaction(job.transaction)
          if (job.transaction.endLsn > this.processedLsn) this.processedLsn = job.transaction.endLsn
        } else {
          await this.activate(job.shape, job.snapshot, job.chunks)
        }
        this.runAtRest()
      }
    } finally {
      this.draining = false
      this.runAtRest()
    }
    this.options.onDrained?.()
  }

  /** Applies a transaction to the active shapes, or buffers it for shapes still snapshotting. */
  private async applyTransaction(transaction: ReplicatedTransaction, onlyShape?: Shape) {
    const wanted = onlyShape
      ? (oid: number) => oid === onlyShape.table.oid
      : (oid: number) => (this.byTable.get(oid)?.size ?? 0) > 0
    for (const [oid, tableChanges] of groupByTable(transaction, wanted)) {
      const candidates = onlyShape
        ? onlyShape.table.oid === oid
          ? [onlyShape]
          : []
        : (this.byTable.get(oid)?.candidatesFor(tableChanges) ?? [])
      const targets: ActiveShape[] = []
      for (const shape of candidates) {
        if (shape.state === 'rotated') continue
        if (!onlyShape && shape.state === 'snapshotting') {
          if (shape.buffered.at(-1) !== transaction) shape.buffered.push(transaction)
          continue
        }
        // Active, or being activated (its log is stored before its buffered transactions apply).
        if (!hasLog(shape) || shape.isInSnapshot(transaction.xid)) continue
        targets.push(shape)
      }
      if (targets.length === 0) continue
      try {
        const { rotations } = await applyTableChanges(
          transaction,
          tableChanges,
          targets,
          this.options.evaluator,
          this.options.log,
        )
        for (const { shape, reason } of rotations) {
          // The table may need REPLICA IDENTITY FULL again before its next shape.
          if (reason === REPLICA_IDENTITY_LOST) this.options.publisher.forget(oid)
          this.rotate(shape, reason)
        }
      } catch (error) {
        // Without the evaluation these shapes would silently miss changes; resync them instead.
        for (const shape of targets) this.rotate(shape, `could not apply a change: ${errorMessage(error)}`)
      }
      for (const shape of targets) {
        if (shape.state !== 'rotated' && shape.log.logBytes > this.options.maxLogBytesPerShape) {
          this.rotate(shape, `change log exceeded ${this.options.maxLogBytesPerShape} bytes`)
        }
      }
    }
  }

  /**
   * Applies a transaction to the subquery shapes it concerns (or to `onlyShape` when activating
   * it): every shape reading a table it changes in a subquery, and of the shapes on a table it
   * changes those the equality index finds for the old and new rows. Each such shape sees the
   * changes of all its tables at once: the subqueries' sets move first, then its own rows (see
   * `SubqueryShapeState.apply`); a set that moved refiles the shape in the index.
   */
  private async applySubqueryTransaction(transaction: ReplicatedTransaction, onlyShape?: Shape) {
    let shapes: Iterable<Shape>
    let grouped: ReturnType<typeof groupByTable>
    if (onlyShape) {
      const tables = onlyShape.subqueries?.tables() ?? new Set<number>()
      grouped = groupByTable(transaction, (oid) => tables.has(oid))
      shapes = [onlyShape]
    } else {
      grouped = groupByTable(transaction, (oid) => this.subqueryIndex.reads(oid))
      if (grouped.size === 0) return
      shapes = this.subqueryIndex.shapesFor(grouped)
    }
    for (const shape of shapes) {
      const state = shape.subqueries
      if (!state || shape.state === 'rotated') continue
      if (!onlyShape && shape.state === 'snapshotting') {
        if (shape.buffered.at(-1) !== transaction) shape.buffered.push(transaction)
        continue
      }
      if (!hasLog(shape) || shape.isInSnapshot(transaction.xid)) continue
      this.subqueryApplications++
      try {
        const applied = await state.apply(
          transaction,
          grouped,
          { pool: this.options.pool, evaluator: this.options.evaluator },
          (relation) => shape.acceptsRelation(relation),
        )
        // A stored shape must never have served what a replay after a crash could not repeat.
        const hold = applied.readCurrentRows && this.options.persistence !== undefined
        if (hold) shape.log.holdFrom(transaction.commitLsn)
        shape.log.append(applied.entries, transaction.endLsn)
        if (hold) this.options.onEntriesHeld?.()
        const refiled = this.subqueryIndex.setsMoved(shape, applied.setChanges)
        if (refiled) state.held.add(indexBytes(refiled.added) - indexBytes(refiled.removed))
      } catch (error) {
        if (error instanceof SubqueryRotation && error.message === REPLICA_IDENTITY_LOST) {
          this.options.publisher.forget(shape.table.oid)
        }
        this.rotate(
          shape,
          error instanceof SubqueryRotation ? error.message : `could not apply a change: ${errorMessage(error)}`,
        )
        continue
      }
      if (shape.log.logBytes > this.options.maxLogBytesPerShape) {
        this.rotate(shape, `change log exceeded ${this.options.maxLogBytesPerShape} bytes`)
      }
    }
  }

  /** The values a subquery shape is filed under now (undefined: not indexed), for tests. */
  subqueryIndexValues(shape: Shape): ReadonlySet<string> | undefined {
    return this.subqueryIndex.filedValues(shape)
  }

  private async activate(shape: Shape, snapshot: PostgresSnapshot, chunks: string[]) {
    if (shape.state === 'rotated') return
    shape.startLog(snapshot, chunks, this.options.chunkBytes, this.meter)
    for (const transaction of shape.buffered) {
      if (shape.subqueries) await this.applySubqueryTransaction(transaction, shape)
      else await this.applyTransaction(transaction, shape)
      if (shape.isRotated) return
    }
    shape.markActive()
    this.index(shape)
    if (hasLog(shape)) this.options.persistence?.shapeActivated(shape)
    this.enforceMemoryBudget()
  }

  private async initialise(shape: Shape) {
    const { definition } = shape
    try {
      await this.options.publisher.ensurePublished(definition.table)
      for (const table of definition.plan ? planTables(definition.table, definition.plan).values() : []) {
        await this.options.publisher.ensurePublished(table)
      }
      await this.prepareMatcher(shape)
      const { snapshot, chunks } = shape.subqueries
        ? await shape.subqueries.takeSnapshot(this.options.pool, this.options.chunkBytes)
        : await takeInitialSnapshot(this.options.pool, definition, this.options.chunkBytes)
      this.enqueue({ kind: 'activate', shape, snapshot, chunks })
    } catch (error) {
      this.options.log.error(
        `Snapshot for shape ${shape.handle} on ${quoteTable(definition.table)} failed: ${errorMessage(error)}`,
      )
      shape.fail(error as Error)
      this.rotate(shape, 'snapshot failed')
    }
  }

  /** How the shape's rows are tested; for a subquery shape also the key it is indexed by. */
  private async prepareMatcher(shape: Shape) {
    const { definition } = shape
    if (!shape.subqueries || !definition.plan) {
      shape.matcher = await this.matcherFor(definition)
      return
    }
    shape.matcher = { kind: 'postgres' }
    const key = await subqueryIndexKey(definition.plan, definition.table, this.canonicalize)
    const innerKeys = await innerIndexKeys(definition.plan, this.canonicalize)
    if (!shape.isRotated) this.subqueryIndex.setKey(shape, key, innerKeys)
  }

  /** The shape is active: from now on it is offered only the changes its index key allows. */
  private index(shape: Shape) {
    if (shape.subqueries) shape.subqueries.held.add(indexBytes(this.subqueryIndex.activate(shape)))
    else this.byTable.get(shape.table.oid)?.activate(shape)
  }

  private async matcherFor(definition: ShapeDefinition): Promise<RowMatcher> {
    if (!definition.where) return { kind: 'all' }
    const compiled = await compileRowMatcher(definition.where, definition.table, this.canonicalize)
    return compiled
      ? { kind: 'in-process', predicate: compiled.predicate, equality: compiled.equality }
      : { kind: 'postgres' }
  }

  private readonly canonicalize: Canonicalizer = async (values) => {
    // Selected as the type itself: the raw wire text is the type's output function, the same
    // text replication sends (a `::text` cast is not: bool casts to 'true', outputs 't').
    const selects = values.map((value, index) => `$${index + 1}::text::${value.castType}`)
    const { rows } = await this.options.pool.query<string[]>({
      text: `SELECT ${selects.join(', ')}`,
      values: values.map((value) => value.text),
      rowMode: 'array',
    })
    return rows[0]
  }

  /** Type errors and the like become a 400 before any shape exists. */
  private async validateWithPostgres(definition: ShapeDefinition) {
    if (!definition.where) return
    // Subqueries as resolved (schema-qualified), not as written.
    const values: unknown[] = definition.plan ? [] : [...definition.where.paramValues]
    const condition = definition.plan ? livePlanSql(definition.plan, values) : definition.where.sql
    try {
      await this.options.pool.query({
        text: `SELECT 1 FROM ${quoteTable(definition.table)} WHERE (\n${condition}\n) LIMIT 0`,
        values,
      })
    } catch (error) {
      const code = postgresErrorCode(error)
      if (code?.startsWith('22') || code?.startsWith('42')) throw new DefinitionError('where', errorMessage(error))
      throw error
    }
  }

  private nextHandle(identity: string): string {
    // Creation time in µs, strictly increasing: a handle is never reused, also after a restart.
    this.lastHandleMicros = Math.max(Date.now() * 1000, this.lastHandleMicros + 1)
    return `${identityHash(identity)}-${this.lastHandleMicros}`
  }

  /** A request read the shape: it becomes the most recently used. */
  touch(shape: Shape): void {
    shape.lastUsedAt = Date.now()
    if (!this.recency.delete(shape)) return
    this.recency.add(shape)
  }

  /** Bytes of every registered shape: snapshot, log and `SHAPE_OVERHEAD_BYTES`. */
  get dataBytes(): number {
    return this.meter.bytes
  }

  /**
   * Drops shapes nobody read for `idleShapeMs`, then least recently read ones while the data is
   * over the budget. Shapes with a waiting request or a snapshot running are kept.
   */
  expireIdleShapes(now = Date.now()): void {
    // Deleting the entry being visited is safe while iterating a Set.
    for (const shape of this.recency) {
      if (now - shape.lastUsedAt < this.options.idleShapeMs) break
      if (this.isEvictable(shape)) this.evict(shape, `not read for ${Math.round(this.options.idleShapeMs / 1000)} s`)
    }
    this.enforceMemoryBudget()
  }

  /** The shape data allowed now (`maxMemoryBytes` or what `limitShapeData` set). */
  get shapeDataLimitBytes(): number {
    return this.shapeDataLimit
  }

  /** Lowers (or restores, up to `maxMemoryBytes`) the shape data allowed, evicting what no longer fits. */
  limitShapeData(bytes: number): void {
    this.shapeDataLimit = Math.min(this.options.maxMemoryBytes, bytes)
    this.enforceMemoryBudget()
  }

  private enforceMemoryBudget() {
    if (this.meter.bytes <= this.shapeDataLimit) return
    for (const shape of this.recency) {
      if (this.meter.bytes <= this.shapeDataLimit) return
      if (!this.isEvictable(shape)) continue
      this.evict(shape, `shape data over the ${this.shapeDataLimit}-byte allowance; least recently used`)
    }
  }

  /** At 100 000 shapes one line per eviction would drown the log: counted, and logged at debug. */
  private evict(shape: Shape, reason: string) {
    this.evictedShapes++
    this.rotate(shape, reason, 'debug')
  }

  private isEvictable(shape: Shape): boolean {
    return shape.state === 'active' && (shape.log?.waiterCount ?? 0) === 0
  }

  private evictIfFull() {
    if (this.byHandle.size < this.options.maxShapes) return
    for (const shape of this.recency) {
      if (!this.isEvictable(shape)) continue
      this.evict(shape, `more than ${this.options.maxShapes} shapes; least recently used`)
      return
    }
  }
}

function indexBytes(values: Iterable<string>): number {
  let bytes = 0
  for (const value of values) bytes += 2 * value.length + INDEX_ENTRY_BYTES
  return bytes
}
