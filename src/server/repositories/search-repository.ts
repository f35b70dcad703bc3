/**
 * Full-text search over one account's timeline events. Each event's document is a stored tsvector
 * in `timeline_event_search` (kept in step with `timeline_events` by triggers, drizzle/0013), so
 * matching, the recency cut and ranking never recompute `to_tsvector`; only the rows of one page
 * are read from `timeline_events` for their snippets.
 */
import { sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
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

/**
 * Ranking is bounded: a word found in more events than this is ranked among its most recent
 * matches (found by walking the account's recency index, not by reading every match). Below the
 * bound, every match is ranked.
 */
export const RANKED_CANDIDATES = 2_000

/**
 * Above this many matches in the account, a query's most recent matches are found by walking the
 * recency index; up to it, through the GIN index (reading at most this many rows).
 */
export const COMMON_MATCHES = 20_000

// The highlight options: the markers are control characters, removed from the text first, so the
// only markers in a snippet are the ones Postgres put there.
const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=28, MinWords=10, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`
/**
 * A text this short is shown whole (one cover, up to MaxWords): fragment mode starts a fragment at
 * the match when the words before it are short or not plain words, cutting a one-line message.
 */
const SHORT_TEXT_LENGTH = 200
const WHOLE_TEXT_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_STOP}, MaxWords=28, MinWords=10, ShortWord=2, MaxFragments=0`

export const searchRepository = {
  /**
   * The account's events matching `query` (web-search syntax: words, "phrases", `or`, `-word`),
   * best first. Only the rows of one page are highlighted (ts_headline re-parses the text).
   */
  async searchEvents(
    db: Executor,
    accountId: string,
    {
      query,
      offset,
      limit,
      commonMatches = COMMON_MATCHES,
    }: { query: string; offset: number; limit: number; commonMatches?: number },
  ): Promise<SearchPage> {
    const rows = await db.transaction(async (tx) => {
      // Only bitmap scans (the GIN index) until the words are known to be common: the planner's
      // estimate for phrases and combinations can be far off, and a walk of the recency index for
      // a word it wrongly thinks common reads the whole account. Plans are made for this query's
      // own words (a cached generic plan would pick one way for every query).
      await tx.execute(sql`select set_config('plan_cache_mode', 'force_custom_plan', true),
                                  set_config('enable_seqscan', 'off', true),
                                  set_config('enable_indexscan', 'off', true)`)
      const [{ common }] = await tx.execute<{ common: boolean }>(sql`
        select count(*) > ${commonMatches} as common from (
          select 1 from timeline_event_search
          where account_id = ${accountId} and document @@ websearch_to_tsquery('simple', ${query})
          limit ${commonMatches + 1}) as found`)
      // Common: walking the recency index until RANKED_CANDIDATES match is cheaper than reading
      // every match; the planner now decides (with true counts this high, its estimate is sound).
      if (common)
        await tx.execute(
          sql`select set_config('enable_indexscan', 'on', true), set_config('enable_seqscan', 'on', true)`,
        )
      return tx.execute<SearchRow>(searchEventsStatement(accountId, { query, offset, limit }))
    })
    const hits = rows.slice(0, limit).map(toHit)
    return { hits, hasMore: rows.length > limit }
  },
}

/** The statement behind `searchEvents` (one more row than `limit`, to tell whether more follow); tests EXPLAIN it. */
export function searchEventsStatement(
  accountId: string,
  { query, offset, limit }: { query: string; offset: number; limit: number },
) {
  // The tsquery is written out (not a CTE) wherever it filters, so the planner sees its words and
  // estimates from the column's statistics how many events match.
  const tsquery = sql`websearch_to_tsquery('simple', ${query})`
  return sql`
      with candidates as (
        select d.session_id, d.ordinal, d.at, d.document
        from timeline_event_search d
        where d.account_id = ${accountId} and d.document @@ ${tsquery}
        order by d.at desc nulls last, d.session_id, d.ordinal
        limit ${RANKED_CANDIDATES}
      ),
      matches as (
        select c.session_id, c.ordinal, c.at, ts_rank(c.document, ${tsquery}) as rank
        from candidates c
        order by rank desc, c.at desc nulls last, c.session_id, c.ordinal
        limit ${limit + 1} offset ${offset}
      )
      select m.session_id, m.ordinal, e.type, e.role, m.at, m.rank,
             ts_headline('simple', h.text, ${tsquery},
               case when length(h.text) <= ${SHORT_TEXT_LENGTH} then ${WHOLE_TEXT_OPTIONS} else ${HEADLINE_OPTIONS} end) as snippet,
             s.title, s.repo_name, s.branch, s.origin
      from matches m
      join timeline_events e on e.session_id = m.session_id and e.ordinal = m.ordinal and e.account_id = ${accountId}
      join sessions s on s.id = m.session_id and s.account_id = ${accountId}
      cross join lateral (
        select translate(timeline_event_search_text(e.type, e.summary, e.name, e.command, e.path, e.payload),
                         ${HIGHLIGHT_START + HIGHLIGHT_STOP}, '  ') as text
      ) h
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
