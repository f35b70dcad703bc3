/**
 * The events of one session for an export, read in keyset batches (`ordinal > last`, in ordinal
 * order) so a session of any size streams with one small query at a time and no open transaction
 * held for as long as a slow download takes. The caller checks access to the session first.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, lt, lte, max, type SQL } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { timelineEvents } from '~/db/schema'
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'
import type { ExportEvent } from '~/domain/export/export-types'

export interface ExportSelection {
  sessionId: string
  /** Event types kept; null keeps all. */
  types: readonly TimelineEventType[] | null
  /** Inclusive ordinal bounds (0-based); null for open. */
  fromOrdinal: number | null
  toOrdinal: number | null
  order: 'oldest' | 'newest'
}

export const EXPORT_BATCH_SIZE = 500

function conditions(selection: ExportSelection): SQL[] {
  const where: SQL[] = [eq(timelineEvents.sessionId, selection.sessionId)]
  if (selection.types) where.push(inArray(timelineEvents.type, [...selection.types]))
  if (selection.fromOrdinal !== null) where.push(gte(timelineEvents.ordinal, selection.fromOrdinal))
  if (selection.toOrdinal !== null) where.push(lte(timelineEvents.ordinal, selection.toOrdinal))
  return where
}

export const exportRepository = {
  /**
   * How many events the selection holds now, and the last ordinal among them. Reading stops at that
   * ordinal, so a live session that grows during the download still gets exactly `count` events.
   */
  async measure(db: Executor, selection: ExportSelection): Promise<{ count: number; lastOrdinal: number | null }> {
    const [row] = await db
      .select({ count: count(), lastOrdinal: max(timelineEvents.ordinal) })
      .from(timelineEvents)
      .where(and(...conditions(selection)))
    return { count: row?.count ?? 0, lastOrdinal: row?.lastOrdinal ?? null }
  },

  /** The selected events in order, `batchSize` rows per query. */
  async *readEvents(
    db: Executor,
    selection: ExportSelection,
    { batchSize = EXPORT_BATCH_SIZE }: { batchSize?: number } = {},
  ): AsyncGenerator<ExportEvent[]> {
    const newest = selection.order === 'newest'
    let after: number | null = null
    for (;;) {
      const where = conditions(selection)
      if (after !== null) where.push(newest ? lt(timelineEvents.ordinal, after) : gt(timelineEvents.ordinal, after))
      const rows = await db
        .select()
        .from(timelineEvents)
        .where(and(...where))
        .orderBy(newest ? desc(timelineEvents.ordinal) : asc(timelineEvents.ordinal))
        .limit(batchSize)
      if (rows.length === 0) return
      yield rows.map(
        (row): ExportEvent => ({
          ordinal: row.ordinal,
          eventKey: row.eventKey,
          type: row.type,
          role: row.role,
          at: row.at?.toISOString() ?? null,
          name: row.name,
          command: row.command,
          path: row.path,
          exitCode: row.exitCode,
          durationMs: row.durationMs,
          summary: row.summary,
          payload: (row.payload ?? {}) as Record<string, unknown>,
        }),
      )
      if (rows.length < batchSize) return
      after = rows[rows.length - 1].ordinal
    }
  },
}
