import type pg from 'pg'
import { errorMessage } from './errors.ts'
import { quoteTable } from './identifiers.ts'
import type { Logger } from './logger.ts'
import { postgresErrorCode } from './postgres-connections.ts'
import type { TablePublisher } from './replication-setup.ts'
import type { ReplicatedTransaction } from './replication-stream.ts'
import { type Canonicalizer, compileRowPredicate } from './row-predicate.ts'
import { findChangedTables } from './schema-watch.ts'
import { type RowMatcher, Shape } from './shape.ts'
import { DefinitionError, identityHash, type ShapeDefinition } from './shape-definition.ts'
import { type PostgresSnapshot, takeInitialSnapshot } from './snapshot-query.ts'
import type { SqlPredicateEvaluator } from './sql-predicate-evaluator.ts'
import type { TableInfo } from './table-catalog.ts'
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
  /** A shape whose change log grows past this is rotated, so clients resync from a fresh snapshot. */
  maxLogBytesPerShape: number
  /** Called whenever the queue of transactions to apply has been worked off. */
  onDrained?: () => void
}

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
  private readonly byTable = new Map<number, Set<Shape>>()
  private readonly jobs: Job[] = []
  private draining = false
  private lastHandleMicros = 0
  /** End LSN of the last transaction applied. */
  processedLsn = 0n

  constructor(private readonly options: ShapeRegistryOptions) {}

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
    this.byHandle.set(shape.handle, shape)
    this.byIdentity.set(definition.identity, shape)
    let tableShapes = this.byTable.get(definition.table.oid)
    if (!tableShapes) {
      tableShapes = new Set()
      this.byTable.set(definition.table.oid, tableShapes)
    }
    tableShapes.add(shape)
    void this.initialise(shape)
    return shape
  }

  rotate(shape: Shape, reason: string): void {
    if (this.byHandle.get(shape.handle) === shape) this.byHandle.delete(shape.handle)
    if (this.byIdentity.get(shape.definition.identity) === shape) this.byIdentity.delete(shape.definition.identity)
    const tableShapes = this.byTable.get(shape.table.oid)
    tableShapes?.delete(shape)
    if (tableShapes?.size === 0) this.byTable.delete(shape.table.oid)
    if (shape.state !== 'rotated') this.options.log.info(`Rotating shape ${shape.handle} (${reason})`)
    shape.rotate(reason)
  }

  /**
   * Rotates the shapes whose table was dropped, renamed or altered since they were built (see
   * `findChangedTables`); their requests get a 409, or a 400 once the table is gone.
   */
  async rotateShapesOnChangedTables(): Promise<void> {
    const tables = new Set<TableInfo>()
    for (const shapes of this.byTable.values()) for (const shape of shapes) tables.add(shape.table)
    const changed = await findChangedTables(this.options.pool, [...tables])
    for (const [table, reason] of changed) {
      this.options.publisher.forget(table.oid)
      for (const shape of [...(this.byTable.get(table.oid) ?? [])]) {
        if (shape.table === table) this.rotate(shape, reason)
      }
    }
  }

  /** Wakes every waiting request and forgets all shapes (server shutdown). */
  close(): void {
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
          if (job.transaction.endLsn > this.processedLsn) this.processedLsn = job.transaction.endLsn
        } else {
          await this.activate(job.shape, job.snapshot, job.chunks)
        }
      }
    } finally {
      this.draining = false
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
        : [...(this.byTable.get(oid) ?? [])]
      const targets: Shape[] = []
      for (const shape of candidates) {
        if (shape.state === 'rotated') continue
        if (!onlyShape && shape.state === 'snapshotting') {
          if (shape.buffered.at(-1) !== transaction) shape.buffered.push(transaction)
          continue
        }
        if (shape.isInSnapshot(transaction.xid)) continue
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
        if (shape.state !== 'rotated' && (shape.log?.logBytes ?? 0) > this.options.maxLogBytesPerShape) {
          this.rotate(shape, `change log exceeded ${this.options.maxLogBytesPerShape} bytes`)
        }
      }
    }
  }

  private async activate(shape: Shape, snapshot: PostgresSnapshot, chunks: string[]) {
    if (shape.state === 'rotated') return
    shape.startLog(snapshot, chunks, this.options.chunkBytes)
    for (const transaction of shape.buffered) {
      await this.applyTransaction(transaction, shape)
      if (shape.isRotated) return
    }
    shape.markActive()
  }

  private async initialise(shape: Shape) {
    const { definition } = shape
    try {
      await this.options.publisher.ensurePublished(definition.table)
      shape.matcher = await this.matcherFor(definition)
      const { snapshot, chunks } = await takeInitialSnapshot(this.options.pool, definition, this.options.chunkBytes)
      this.enqueue({ kind: 'activate', shape, snapshot, chunks })
    } catch (error) {
      this.options.log.error(
        `Snapshot for shape ${shape.handle} on ${quoteTable(definition.table)} failed: ${errorMessage(error)}`,
      )
      shape.fail(error as Error)
      this.rotate(shape, 'snapshot failed')
    }
  }

  private async matcherFor(definition: ShapeDefinition): Promise<RowMatcher> {
    if (!definition.where) return { kind: 'all' }
    const predicate = await compileRowPredicate(definition.where, definition.table, this.canonicalize)
    return predicate ? { kind: 'in-process', predicate } : { kind: 'postgres' }
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
    try {
      await this.options.pool.query({
        text: `SELECT 1 FROM ${quoteTable(definition.table)} WHERE (\n${definition.where.sql}\n) LIMIT 0`,
        values: definition.where.paramValues,
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

  private evictIfFull() {
    if (this.byHandle.size < this.options.maxShapes) return
    let victim: Shape | undefined
    for (const shape of this.byHandle.values()) {
      if (shape.state !== 'active' || (shape.log?.waiterCount ?? 0) > 0) continue
      if (!victim || shape.lastUsedAt < victim.lastUsedAt) victim = shape
    }
    if (victim) this.rotate(victim, `more than ${this.options.maxShapes} shapes; least recently used`)
  }
}
