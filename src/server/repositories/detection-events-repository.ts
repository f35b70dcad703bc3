/**
 * What misalignment detection and hook backtests read of timelines: only the events that can match
 * a rule (the agent's commands, tool calls, file changes and messages), in ordinal pages, so a
 * session of any length is scanned with bounded memory.
 */
import { and, asc, eq, gt, inArray, ne, or, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { sessions, timelineEvents } from '~/db/schema'
import type { DetectionEvent } from '~/domain/misalignments/detect'

const MATCHABLE_TYPES = ['LocalShellCall', 'FunctionCall', 'CustomToolCall', 'FileChange', 'Message'] as const

const columns = {
  sessionId: timelineEvents.sessionId,
  ordinal: timelineEvents.ordinal,
  type: timelineEvents.type,
  role: timelineEvents.role,
  at: timelineEvents.at,
  eventKey: timelineEvents.eventKey,
  name: timelineEvents.name,
  command: timelineEvents.command,
  path: timelineEvents.path,
  summary: timelineEvents.summary,
  payload: timelineEvents.payload,
}

type Row = { [K in keyof typeof columns]: (typeof columns)[K]['_']['data'] | null }

function toDetectionEvent(row: Row): DetectionEvent & { sessionId: string } {
  return {
    sessionId: row.sessionId as string,
    ordinal: row.ordinal as number,
    type: row.type as string,
    role: row.role,
    at: row.at ? row.at.toISOString() : null,
    eventKey: row.eventKey,
    name: row.name,
    command: row.command,
    path: row.path,
    summary: row.summary ?? '',
    payload: (row.payload ?? {}) as Record<string, unknown>,
  }
}

const matchable = and(
  inArray(timelineEvents.type, [...MATCHABLE_TYPES]),
  or(sql`${timelineEvents.role} is null`, ne(timelineEvents.role, 'user')),
)

export const detectionEventsRepository = {
  /** One session's matchable events after `afterOrdinal`, oldest first. */
  async sessionPage(
    db: Executor,
    input: { accountId: string; sessionId: string; afterOrdinal: number; limit: number },
  ) {
    const rows = await db
      .select(columns)
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.sessionId, input.sessionId),
          eq(timelineEvents.accountId, input.accountId),
          gt(timelineEvents.ordinal, input.afterOrdinal),
          matchable,
        ),
      )
      .orderBy(asc(timelineEvents.ordinal))
      .limit(input.limit)
    return rows.map(toDetectionEvent)
  },

  /** Every session of an account, for a backtest over all its stored events. */
  async accountSessions(db: Executor, accountId: string) {
    return db
      .select({ id: sessions.id, title: sessions.title })
      .from(sessions)
      .where(eq(sessions.accountId, accountId))
      .orderBy(asc(sessions.createdAt))
  },
}
