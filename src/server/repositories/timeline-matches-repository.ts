/**
 * In-session search: the ordinals of one session's events whose one-line texts (summary, tool
 * name, command, path) contain a text, within a timeline view. The browser pages its list from
 * the on-demand shape and only needs to know where the matches are, so this answers numbers, not
 * rows; the rows come through the shape when the list jumps to them.
 */
import { and, asc, eq, gte, ilike, inArray, lte, or, type SQL, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { sessionMembers, sessions, timelineEvents } from '~/db/schema'
import type { TimelineConditions } from '~/domain/timeline/timeline-view'

export const MAX_TIMELINE_MATCHES = 1_000

export interface TimelineMatches {
  /** Ascending ordinals, at most MAX_TIMELINE_MATCHES. */
  ordinals: number[]
  /** More events match than `ordinals` holds. */
  truncated: boolean
}

/** `%` and `_` in what a person typed are literal characters, not wildcards. */
function containsPattern(text: string) {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`
}

function conditionsSql(conditions: TimelineConditions): SQL[] {
  const parts: SQL[] = []
  if (conditions.types !== null)
    parts.push(conditions.types.length === 0 ? sql`false` : inArray(timelineEvents.type, [...conditions.types]))
  if (conditions.role !== null) parts.push(eq(timelineEvents.role, conditions.role))
  if (conditions.commandFamily !== null) parts.push(eq(timelineEvents.commandFamily, conditions.commandFamily))
  if (conditions.sidechain !== null) parts.push(eq(timelineEvents.sidechain, conditions.sidechain))
  if (conditions.minOrdinal !== null) parts.push(gte(timelineEvents.ordinal, conditions.minOrdinal))
  if (conditions.maxOrdinal !== null) parts.push(lte(timelineEvents.ordinal, conditions.maxOrdinal))
  return parts
}

export const timelineMatchesRepository = {
  /**
   * The principal's access is part of the query: a session they neither own nor are a member of
   * matches nothing, whatever its id.
   */
  async findMatchingOrdinals(
    db: Executor,
    principal: { accountId: string; userId: string },
    sessionId: string,
    text: string,
    conditions: TimelineConditions,
  ): Promise<TimelineMatches> {
    const pattern = containsPattern(text)
    const accessible = sql`exists (
      select 1 from ${sessions}
      where ${sessions.id} = ${timelineEvents.sessionId}
        and (${sessions.accountId} = ${principal.accountId}
          or exists (select 1 from ${sessionMembers}
                     where ${sessionMembers.sessionId} = ${sessions.id} and ${sessionMembers.userId} = ${principal.userId})))`
    const rows = await db
      .select({ ordinal: timelineEvents.ordinal })
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.sessionId, sessionId),
          accessible,
          or(
            ilike(timelineEvents.summary, pattern),
            ilike(timelineEvents.name, pattern),
            ilike(timelineEvents.command, pattern),
            ilike(timelineEvents.path, pattern),
          ),
          ...conditionsSql(conditions),
        ),
      )
      .orderBy(asc(timelineEvents.ordinal))
      .limit(MAX_TIMELINE_MATCHES + 1)
    return {
      ordinals: rows.slice(0, MAX_TIMELINE_MATCHES).map((row) => row.ordinal),
      truncated: rows.length > MAX_TIMELINE_MATCHES,
    }
  },
}
