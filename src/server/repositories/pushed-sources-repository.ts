/**
 * How far each pushed log has been received (server-only bookkeeping of the incremental ingest
 * API). Saving is a compare-and-set on the offset, so two requests that raced past the per-log
 * queue cannot both move it: the loser is told the offset the winner left.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type PushedSource, pushedSources } from '~/db/schema'

export type PushedSourceKey = { accountId: string; machine: string; sourceKey: string }
export type PushedSourceState = Omit<PushedSource, 'updatedAt'>

function whereKey(key: PushedSourceKey) {
  return and(
    eq(pushedSources.accountId, key.accountId),
    eq(pushedSources.machine, key.machine),
    eq(pushedSources.sourceKey, key.sourceKey),
  )
}

export const pushedSourcesRepository = {
  async find(db: Executor, key: PushedSourceKey): Promise<PushedSourceState | undefined> {
    const [row] = await db.select().from(pushedSources).where(whereKey(key))
    return row
  },

  /** Every log a machine pushed to this account, for a pusher resuming after a restart. */
  async listForMachine(db: Executor, accountId: string, machine: string) {
    return db
      .select({
        sourceKey: pushedSources.sourceKey,
        offsetBytes: pushedSources.offsetBytes,
        sessionId: pushedSources.sessionId,
        rejection: pushedSources.rejection,
      })
      .from(pushedSources)
      .where(and(eq(pushedSources.accountId, accountId), eq(pushedSources.machine, machine)))
      .orderBy(pushedSources.sourceKey)
  },

  /**
   * Writes the new state if the stored offset is still `expectedOffset` (0 and no row for a new
   * log). Returns false when another request moved it first.
   */
  async save(db: Executor, state: PushedSourceState, expectedOffset: number): Promise<boolean> {
    const { accountId, machine, sourceKey, ...rest } = state
    const rows = await db
      .insert(pushedSources)
      .values(state)
      .onConflictDoUpdate({
        target: [pushedSources.accountId, pushedSources.machine, pushedSources.sourceKey],
        set: { ...rest, updatedAt: sql`now()` },
        setWhere: eq(pushedSources.offsetBytes, expectedOffset),
      })
      .returning({ offsetBytes: pushedSources.offsetBytes })
    return rows.length === 1
  },
}
