/**
 * Full-text search over one account's timeline events. The WHERE clause uses the schema's
 * TIMELINE_SEARCH_DOCUMENT, the very expression the GIN index `timeline_events_search_idx` is built
 * on: Postgres uses an expression index only for the same expression, so writing it again here
 * (even equivalently) would turn every search into a sequential scan.
 */
import { sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { TIMELINE_SEARCH_DOCUMENT } from '~/db/schema'
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'
import { HIGHLIGHT_START, HIGHLIGHT_STOP } from '~/domain/search/search-query'
import type { SessionOrigin } from '~/domain/sessions/session-kinds'

export interface SearchHit {
  sessionId: string
  ordinal: number
  type: TimelineEventType
  role: string | null
  at: string | null
  rank: number
  /** The matched text with HIGHLIGHT_START/HIGHLIGHT_STOP around the matched words. */
  snippet: string
  sessionTitle: string
  repoName: string | null
  branch: string | null
  origin: SessionOrigin
}

export interface SearchPage {
  hits: SearchHit[]
  /** More results follow this page. */
  hasMore: boolean
}

interface SearchRow extends Record<string, unknown> {
  session_id: string
  ordinal: number
  type: TimelineEventType
  role: string | null
  at: Date | string | null
  rank: number
  snippet: string
  title: string
  repo_name: string | null
  branch: string | null
  origin: SessionOrigin
}

// The highlight options: the markers are control characters, removed from the text first, so the
// only markers in a snippet are the ones Postgres put there.
/**
 * Ranking re-reads each match's text (the document is an index expression, not a stored column),
 * so it is bounded: a word found in more events than this is ranked among its most recent
 * matches. Below the bound, every match is ranked.
 */
export const RANKED_CANDIDATES = 2_000

const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=28, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`

export const searchRepository = {
  /**
   * The account's events matching `query` (web-search syntax: words, "phrases", `or`, `-word`),
   * best first. Only the rows of one page are highlighted (ts_headline re-parses the text).
   */
  async searchEvents(
    db: Executor,
    accountId: string,
    { query, offset, limit }: { query: string; offset: number; limit: number },
  ): Promise<SearchPage> {
    const rows = await db.execute<SearchRow>(searchEventsStatement(accountId, { query, offset, limit }))
    const hits = rows.slice(0, limit).map(toHit)
    return { hits, hasMore: rows.length > limit }
  },
}

/** The statement behind `searchEvents` (one more row than `limit`, to tell whether more follow); tests EXPLAIN it. */
export function searchEventsStatement(
  accountId: string,
  { query, offset, limit }: { query: string; offset: number; limit: number },
) {
  return sql`
      with search as (select websearch_to_tsquery('simple', ${query}) as q),
      candidates as (
        select e.session_id, e.ordinal, e.type, e.role, e.at, e.summary, e.name, e.command, e.path
        from timeline_events e, search
        where e.account_id = ${accountId} and ${TIMELINE_SEARCH_DOCUMENT} @@ search.q
        order by e.at desc nulls last, e.session_id, e.ordinal
        limit ${RANKED_CANDIDATES}
      ),
      matches as (
        select c.*, ts_rank(${TIMELINE_SEARCH_DOCUMENT}, search.q) as rank
        from candidates c, search
        order by rank desc, c.at desc nulls last, c.session_id, c.ordinal
        limit ${limit + 1} offset ${offset}
      )
      select m.session_id, m.ordinal, m.type, m.role, m.at, m.rank,
             ts_headline('simple',
               translate(coalesce(m.summary, '') || ' ' || coalesce(m.name, '') || ' ' || coalesce(m.command, '')
                         || ' ' || coalesce(m.path, ''), ${HIGHLIGHT_START + HIGHLIGHT_STOP}, '  '),
               search.q, ${HEADLINE_OPTIONS}) as snippet,
             s.title, s.repo_name, s.branch, s.origin
      from matches m
      join sessions s on s.id = m.session_id and s.account_id = ${accountId}
      cross join search
      order by m.rank desc, m.at desc nulls last, m.session_id, m.ordinal`
}

function toHit(row: SearchRow): SearchHit {
  return {
    sessionId: row.session_id,
    ordinal: row.ordinal,
    type: row.type,
    role: row.role,
    at: row.at === null ? null : new Date(row.at).toISOString(),
    rank: Number(row.rank),
    snippet: row.snippet,
    sessionTitle: row.title,
    repoName: row.repo_name,
    branch: row.branch,
    origin: row.origin,
  }
}
