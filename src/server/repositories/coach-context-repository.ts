/**
 * What the coach reads of a session: events by number or range, the latest events and the user's
 * first requests. Read-only; `ordinal` is the 0-based position, the coach speaks in `#ordinal+1`.
 */
import { and, asc, desc, eq, gte, inArray, lte } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { timelineEvents } from '~/db/schema'
import type { EventDigest } from '~/domain/coach/event-digest'

const digestColumns = {
  ordinal: timelineEvents.ordinal,
  type: timelineEvents.type,
  role: timelineEvents.role,
  at: timelineEvents.at,
  name: timelineEvents.name,
  command: timelineEvents.command,
  path: timelineEvents.path,
  exitCode: timelineEvents.exitCode,
  summary: timelineEvents.summary,
}

type DigestRow = { ordinal: number } & Omit<EventDigest, 'number'>

const toDigest = ({ ordinal, ...rest }: DigestRow): EventDigest => ({ number: ordinal + 1, ...rest })

export const coachContextRepository = {
  async eventsByNumber(db: Executor, sessionId: string, numbers: number[]): Promise<EventDigest[]> {
    if (numbers.length === 0) return []
    const rows = await db
      .select(digestColumns)
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.sessionId, sessionId),
          inArray(
            timelineEvents.ordinal,
            numbers.map((number) => number - 1),
          ),
        ),
      )
      .orderBy(asc(timelineEvents.ordinal))
    return rows.map(toDigest)
  },

  /** Events `#start`…`#end` (inclusive), at most `limit`. */
  async eventRange(db: Executor, sessionId: string, start: number, end: number, limit: number) {
    const rows = await db
      .select(digestColumns)
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.sessionId, sessionId),
          gte(timelineEvents.ordinal, start - 1),
          lte(timelineEvents.ordinal, end - 1),
        ),
      )
      .orderBy(asc(timelineEvents.ordinal))
      .limit(limit)
    return rows.map(toDigest)
  },

  async latestEvents(db: Executor, sessionId: string, count: number) {
    const rows = await db
      .select(digestColumns)
      .from(timelineEvents)
      .where(eq(timelineEvents.sessionId, sessionId))
      .orderBy(desc(timelineEvents.ordinal))
      .limit(count)
    return rows.reverse().map(toDigest)
  },

  /** The first user messages: what the agent was asked to do. */
  async openingRequests(db: Executor, sessionId: string, count: number) {
    const rows = await db
      .select(digestColumns)
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.sessionId, sessionId),
          eq(timelineEvents.type, 'Message'),
          eq(timelineEvents.role, 'user'),
        ),
      )
      .orderBy(asc(timelineEvents.ordinal))
      .limit(count)
    return rows.map(toDigest)
  },
}
