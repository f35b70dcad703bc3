/**
 * The process-level memory budget (`SHAPE_SERVER_MEMORY_BUDGET_MB`): the shape server's resident
 * set (RSS) is what must stay under it, not only the shape data the registry meters. The process
 * itself (Node, V8, the SQL parser, the pools) needs a baseline that is only known once it runs, and
 * a metered byte of shape data costs more than a byte of RSS (V8 keeps garbage and free pages
 * between collections), so the shape-data allowance is derived at start and then corrected from
 * real RSS readings. Pure logic: the caller supplies the readings (docs/sync.md, "Memory").
 */

const MiB = 1024 * 1024

/**
 * Kept free for memory that is not shape data and comes and goes: a response chunk as a JS string
 * plus its UTF-8 copy on the socket, a replication batch being applied, held requests, V8's young
 * generation. Measured (docs/benchmarks.md): with a 2 MiB semi-space the young generation is about
 * 6 MiB, and a 10 MiB chunk in flight adds about 20 MiB at its peak.
 */
export const MEMORY_HEADROOM_BYTES = 32 * MiB

/** Below this a shape-data allowance holds too few shapes to be worth running with. */
export const MINIMUM_SHAPE_DATA_BYTES = 8 * MiB

/** How often RSS is read (`process.memoryUsage.rss()` costs microseconds). */
export const MEMORY_CHECK_INTERVAL_MS = 1_000

export interface MemoryBudgetSettings {
  /** What the process's RSS must stay under. */
  budgetBytes: number
  /** RSS of the running server before any shape (once listening and caught up). */
  baselineBytes: number
  headroomBytes?: number
  minimumDataBytes?: number
  /** Readings after a shrink during which no further shrink happens, so RSS can follow the eviction. */
  cooldownReadings?: number
  /** Consecutive readings comfortably under the budget before the allowance grows one step. */
  growAfterReadings?: number
}

/** What a reading changed. */
export type AllowanceChange =
  | { kind: 'unchanged' }
  | { kind: 'shrunk'; fromBytes: number; toBytes: number }
  | { kind: 'grown'; fromBytes: number; toBytes: number }
  /** RSS is over the budget although the allowance is at its floor: something else uses the memory. */
  | { kind: 'over-budget-at-floor' }

/** The smallest budget the process can run under, given its measured baseline. */
export function minimumBudgetBytes(
  baselineBytes: number,
  headroomBytes = MEMORY_HEADROOM_BYTES,
  minimumDataBytes = MINIMUM_SHAPE_DATA_BYTES,
): number {
  return baselineBytes + headroomBytes + minimumDataBytes
}

/** Thrown by `startShapeServer` when the budget is below what the process needs to run at all. */
export class MemoryBudgetTooSmallError extends Error {
  readonly minimumMiB: number

  constructor(
    readonly budgetBytes: number,
    baselineBytes: number,
  ) {
    const minimumMiB = Math.ceil(minimumBudgetBytes(baselineBytes) / MiB)
    super(
      `must be at least ${minimumMiB}: the server process uses ` +
        `${Math.ceil(baselineBytes / MiB)} MiB once started (Node, the SQL parser, the connection pools), ` +
        `keeps ${MEMORY_HEADROOM_BYTES / MiB} MiB of headroom for requests in flight and needs at least ` +
        `${MINIMUM_SHAPE_DATA_BYTES / MiB} MiB for shape data. Raise the budget to ${minimumMiB} MiB or more`,
    )
    this.minimumMiB = minimumMiB
  }
}

/**
 * The shape-data allowance under a process budget, corrected from RSS readings with hysteresis:
 *
 * - it starts at its ceiling, `budget − baseline − headroom`, and never exceeds it;
 * - a reading above `budget − headroom / 2` shrinks it in proportion, so that the part of RSS
 *   above the baseline would come back under `budget − headroom` if it scales with the shape data
 *   (`data × (ceiling / (rss − baseline))`), then waits `cooldownReadings` for the eviction to
 *   show in RSS (V8 returns pages only after a collection) before it shrinks again;
 * - after `growAfterReadings` readings in a row under `budget − 1.5 × headroom` it grows by a
 *   sixteenth of the ceiling.
 *
 * Between the two lines nothing changes, so the allowance does not thrash around one threshold.
 */
export class ShapeDataAllowance {
  readonly budgetBytes: number
  readonly baselineBytes: number
  readonly headroomBytes: number
  readonly floorBytes: number
  /** The most the shapes' data may ever use: `budget − baseline − headroom`. */
  readonly ceilingBytes: number
  private current: number
  private cooldown = 0
  private quietReadings = 0
  private readonly cooldownReadings: number
  private readonly growAfterReadings: number

  constructor(settings: MemoryBudgetSettings) {
    this.budgetBytes = settings.budgetBytes
    this.baselineBytes = settings.baselineBytes
    this.headroomBytes = settings.headroomBytes ?? MEMORY_HEADROOM_BYTES
    this.floorBytes = settings.minimumDataBytes ?? MINIMUM_SHAPE_DATA_BYTES
    this.cooldownReadings = settings.cooldownReadings ?? 5
    this.growAfterReadings = settings.growAfterReadings ?? 30
    this.ceilingBytes = this.budgetBytes - this.baselineBytes - this.headroomBytes
    if (this.ceilingBytes < this.floorBytes) throw new MemoryBudgetTooSmallError(this.budgetBytes, this.baselineBytes)
    this.current = this.ceilingBytes
  }

  /** Shape data allowed now. */
  get bytes(): number {
    return this.current
  }

  /** Above this RSS the caller should collect garbage before trusting a reading (`budget − headroom`). */
  get collectAboveBytes(): number {
    return this.budgetBytes - this.headroomBytes
  }

  /** Above this RSS the allowance shrinks. */
  get shrinkAboveBytes(): number {
    return this.budgetBytes - this.headroomBytes / 2
  }

  /** Under this RSS (for a while) it grows back. */
  get growBelowBytes(): number {
    return this.budgetBytes - this.headroomBytes * 1.5
  }

  /** One reading: the process's RSS and the shape data the registry holds at that moment. */
  observe(residentBytes: number, shapeDataBytes: number): AllowanceChange {
    const coolingDown = this.cooldown > 0
    if (coolingDown) this.cooldown--
    if (residentBytes > this.shrinkAboveBytes) {
      this.quietReadings = 0
      if (coolingDown) return { kind: 'unchanged' }
      if (this.current <= this.floorBytes) {
        return residentBytes > this.budgetBytes ? { kind: 'over-budget-at-floor' } : { kind: 'unchanged' }
      }
      const variable = Math.max(1, residentBytes - this.baselineBytes)
      const scale = Math.min(1, this.ceilingBytes / variable)
      const target = Math.floor(Math.min(this.current, shapeDataBytes) * scale)
      const next = Math.max(this.floorBytes, Math.min(target, this.current))
      this.cooldown = this.cooldownReadings
      if (next === this.current) return { kind: 'unchanged' }
      const fromBytes = this.current
      this.current = next
      return { kind: 'shrunk', fromBytes, toBytes: next }
    }
    if (residentBytes >= this.growBelowBytes || this.current >= this.ceilingBytes) {
      this.quietReadings = 0
      return { kind: 'unchanged' }
    }
    this.quietReadings++
    if (this.quietReadings < this.growAfterReadings) return { kind: 'unchanged' }
    this.quietReadings = 0
    const fromBytes = this.current
    this.current = Math.min(this.ceilingBytes, this.current + Math.max(MiB, Math.floor(this.ceilingBytes / 16)))
    return { kind: 'grown', fromBytes, toBytes: this.current }
  }
}
