/**
 * The timer behind the process memory budget (`memory-budget.ts` holds the logic): one RSS reading
 * a second adjusts the shape-data allowance, and evictions are summed up in one log line a minute
 * at most instead of one line per shape (at 100 000 shapes opened that would be the whole log).
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Logger } from './logger.ts'
import {
  type AllowanceChange,
  MEMORY_CHECK_INTERVAL_MS,
  MemoryBudgetTooSmallError,
  ShapeDataAllowance,
} from './memory-budget.ts'
import { warmUpParser } from './where-clause.ts'

/** What the watch needs of the registry. */
export interface MeteredShapes {
  readonly dataBytes: number
  readonly shapeDataLimitBytes: number
  readonly evictedShapes: number
  limitShapeData(bytes: number): void
}

const MiB = 1024 * 1024
const SUMMARY_INTERVAL_MS = 60_000
/** At most one forced full collection this often (each pauses the server for some 10–100 ms). */
const COLLECT_INTERVAL_MS = 5_000
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

/**
 * Starts watching; returns how to stop. With a budget, the baseline is measured now (the server is
 * listening and caught up, the SQL parser warmed up; restored shapes are taken out at their
 * metered size), and a budget the
 * process cannot run under is returned as a `MemoryBudgetTooSmallError` before anything starts.
 */
export async function watchMemory(
  shapes: MeteredShapes,
  log: Logger,
  budgetBytes: number | undefined,
  readResidentBytes: () => number = () => process.memoryUsage.rss(),
): Promise<MemoryBudgetTooSmallError | (() => void)> {
  let allowance: ShapeDataAllowance | undefined
  if (budgetBytes !== undefined) {
    await warmUpParser()
    collectGarbage()
    const baselineBytes = Math.max(0, readResidentBytes() - shapes.dataBytes)
    try {
      allowance = new ShapeDataAllowance({ budgetBytes, baselineBytes })
    } catch (error) {
      if (error instanceof MemoryBudgetTooSmallError) return error
      throw error
    }
    shapes.limitShapeData(allowance.bytes)
    log.info(
      `Memory budget ${mib(budgetBytes)} of RSS: the server uses ${mib(baselineBytes)}, shape data may use up to ` +
        `${mib(shapes.shapeDataLimitBytes)} (adjusted from RSS every ${MEMORY_CHECK_INTERVAL_MS / 1000} s)`,
    )
  }
  let lastSummaryAt = Date.now()
  let evictedAtSummary = shapes.evictedShapes
  let changes = 0
  let collections = 0
  let peakRss = 0
  let warned = false
  let collectedAt = 0
  const timer = setInterval(() => {
    const rss = readResidentBytes()
    peakRss = Math.max(peakRss, rss)
    const now = Date.now()
    // V8 lets garbage grow the heap well past what is live before it collects on its own: near the
    // budget, collect first; the next reading (V8 returns the pages as it sweeps) decides whether
    // the allowance must shrink.
    let change: AllowanceChange | undefined
    if (allowance && rss > allowance.collectAboveBytes && now - collectedAt >= COLLECT_INTERVAL_MS) {
      collectedAt = now
      collectGarbage()
      collections++
    } else change = allowance?.observe(rss, shapes.dataBytes)
    if (change?.kind === 'shrunk' || change?.kind === 'grown') {
      changes++
      shapes.limitShapeData(change.toBytes)
      log.debug(
        `RSS ${mib(rss)}: shape data allowance ${change.kind} from ${mib(change.fromBytes)} to ${mib(change.toBytes)}`,
      )
    } else if (change?.kind === 'over-budget-at-floor' && !warned) {
      warned = true
      log.warn(
        `RSS ${mib(rss)} is over the ${mib(budgetBytes ?? 0)} memory budget although shape data is down to ` +
          `${mib(shapes.dataBytes)}: held requests or requests in flight use the rest; raise SHAPE_SERVER_MEMORY_BUDGET_MB`,
      )
    }
    if (now - lastSummaryAt < SUMMARY_INTERVAL_MS) return
    const evicted = shapes.evictedShapes - evictedAtSummary
    if (evicted > 0 || changes > 0 || collections > 0) {
      const budget = budgetBytes === undefined ? '' : ` of a ${mib(budgetBytes)} budget`
      log.info(
        `${evicted} shapes evicted in the last ${Math.round((now - lastSummaryAt) / 1000)} s (least recently read, idle ` +
          `or over the shape count; each at debug level): RSS ${mib(rss)}, at most ${mib(peakRss)}${budget}; ` +
          `shape data ${mib(shapes.dataBytes)} of ${mib(shapes.shapeDataLimitBytes)} allowed; ${collections} full collections`,
      )
    }
    lastSummaryAt = now
    evictedAtSummary = shapes.evictedShapes
    changes = 0
    collections = 0
    peakRss = 0
    warned = false
  }, MEMORY_CHECK_INTERVAL_MS)
  timer.unref()
  return () => clearInterval(timer)
}

/** `gc()`, fetched once: Node exposes it only with --expose-gc, so the flag is on just long enough to fetch it. */
let fullCollection: (() => void) | undefined

/**
 * A full collection: before the baseline is read, so it counts what the process keeps rather than
 * the garbage startup and the warm-up left (up to 30 MiB, varying from run to run), and near the
 * budget, so RSS reflects what is live before any shape is evicted.
 */
function collectGarbage(): void {
  if (!fullCollection) {
    const exposed = (globalThis as { gc?: () => void }).gc
    if (exposed) fullCollection = exposed
    else {
      setFlagsFromString('--expose-gc')
      fullCollection = runInNewContext('gc') as () => void
      setFlagsFromString('--no-expose-gc')
    }
  }
  fullCollection()
}
