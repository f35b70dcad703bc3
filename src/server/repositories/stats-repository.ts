/**
 * Aggregates for the stats pages (docs/stats.md), computed in Postgres. Every query is scoped to
 * one account (through `sessions.account_id`) or to one session the caller was already allowed
 * to read; nothing here is written. Tokens are input + output (cached input is part of input,
 * reasoning is reported separately by the agents that report it), as in the session header.
 */

import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { STATS_BREAKDOWN_LIMIT } from '~/domain/stats/breakdown'

const TOOL_TYPES = sql`('FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall', 'FileChange')`

/** A tool call failed: a non-zero exit code, or the agent marked its result as an error. */
const failed = (alias: string) => {
  const e = sql.raw(alias)
  return sql`((${e}.exit_code is not null and ${e}.exit_code <> 0) or ${e}.payload->>'isError' = 'true' or ${e}.payload->>'status' = 'error')`
}

/** The point in time a session counts at when it has no events with times of their own. */
const SESSION_END = sql`coalesce(s.last_event_at, s.started_at, s.created_at)`

/** Weeks shown by the heatmap and the usage charts: this week and the 52 before it. */
export const STATS_WEEKS = 53

// ---------------------------------------------------------------------------------------------
// Across sessions

export type AccountStatsSummary = {
  sessions: number
  liveSessions: number
  events: number
  tokens: number
  repositories: number
  /** Epoch milliseconds; null without sessions. */
  firstActivityAt: number | null
  lastActivityAt: number | null
}

export type ActivityDay = {
  /** `YYYY-MM-DD` in the caller's time zone. */
  day: string
  events: number
  toolCalls: number
  /** Sessions with at least one event that day. */
  sessions: number
  /** Hours of the day with at least one event. */
  activeHours: number
  sessionsStarted: number
  tokens: number
}

export type ActivityWeek = {
  /** The Monday that starts the week, `YYYY-MM-DD`. */
  week: string
  events: number
  toolCalls: number
  activeHours: number
  sessionsStarted: number
  tokens: number
  /** Events per active hour; null in a week without activity. */
  eventsPerActiveHour: number | null
}

export type StatsBreakdownRow = {
  /** The repository name (empty when the log named none) or the agent. */
  key: string
  sessions: number
  events: number
  tokens: number
  lastActivityAt: number | null
}

export type AccountStats = {
  timeZone: string
  /** `YYYY-MM-DD` bounds of `days` (inclusive), in the caller's time zone. */
  firstDay: string
  lastDay: string
  summary: AccountStatsSummary
  days: ActivityDay[]
  weeks: ActivityWeek[]
  repositories: StatsBreakdownRow[]
  agents: StatsBreakdownRow[]
}

async function accountSummary(db: Executor, accountId: string): Promise<AccountStatsSummary> {
  const [row] = await db.execute<AccountStatsSummary>(sql`
    select count(*)::int as "sessions",
           count(*) filter (where s.status = 'live')::int as "liveSessions",
           coalesce(sum(s.event_count), 0)::float8 as "events",
           coalesce(sum(s.input_tokens + s.output_tokens), 0)::float8 as "tokens",
           count(distinct s.repo_name)::int as "repositories",
           (extract(epoch from min(coalesce(s.started_at, s.created_at))) * 1000)::float8 as "firstActivityAt",
           (extract(epoch from max(${SESSION_END})) * 1000)::float8 as "lastActivityAt"
    from sessions s
    where s.account_id = ${accountId}`)
  return row
}

async function breakdown(db: Executor, accountId: string, key: SQL): Promise<StatsBreakdownRow[]> {
  return db.execute<StatsBreakdownRow>(sql`
    select ${key} as "key",
           count(*)::int as "sessions",
           sum(s.event_count)::float8 as "events",
           sum(s.input_tokens + s.output_tokens)::float8 as "tokens",
           (extract(epoch from max(${SESSION_END})) * 1000)::float8 as "lastActivityAt"
    from sessions s
    where s.account_id = ${accountId}
    group by 1
    order by "events" desc, "sessions" desc, "key"
    limit ${STATS_BREAKDOWN_LIMIT}`)
}

/**
 * Per day of the window (zeros included) and per week: events, tool calls, active hours, sessions
 * started and tokens. Tokens of a day are the growth of each session's running totals
 * (`payload.tokensSoFar`) between its stamped events that day; what no stamp accounts for (logs
 * parsed before stamps existed, the last usage report) counts on the session's last event's day.
 */
async function activity(db: Executor, accountId: string, timeZone: string, today: string | undefined) {
  const [row] = await db.execute<{
    first_day: string
    last_day: string
    days: ActivityDay[]
    weeks: ActivityWeek[]
  }>(sql`
    with today as (
      select coalesce(${today ?? null}::date, (now() at time zone ${timeZone})::date) as day
    ),
    bounds as (
      select (date_trunc('week', day)::date - ${(STATS_WEEKS - 1) * 7}::int) as first_day, day as last_day from today
    ),
    window_start as (
      select (first_day::timestamp at time zone ${timeZone}) as at from bounds
    ),
    active as (
      select s.id, s.input_tokens + s.output_tokens as tokens, ${SESSION_END} as end_at
      from sessions s
      where s.account_id = ${accountId} and ${SESSION_END} >= (select at from window_start)
    ),
    event_days as (
      select (e.at at time zone ${timeZone})::date as day,
             count(*)::int as events,
             count(*) filter (where e.type in ${TOOL_TYPES})::int as tool_calls,
             count(distinct e.session_id)::int as sessions,
             count(distinct date_trunc('hour', e.at at time zone ${timeZone}))::int as active_hours
      from active a
      join timeline_events e on e.session_id = a.id
      where e.at >= (select at from window_start)
      group by 1
    ),
    stamps as (
      select e.session_id, e.ordinal, coalesce(e.at, a.end_at) as at,
             (e.payload->'tokensSoFar'->>'input')::float8 + (e.payload->'tokensSoFar'->>'output')::float8 as total
      from active a
      join timeline_events e on e.session_id = a.id
      where e.payload->'tokensSoFar' is not null
    ),
    token_growth as (
      select at, total - coalesce(lag(total) over (partition by session_id order by ordinal), 0) as tokens
      from stamps
      union all
      select a.end_at, greatest(a.tokens - coalesce(max(st.total), 0), 0)
      from active a
      left join stamps st on st.session_id = a.id
      group by a.id, a.end_at, a.tokens
    ),
    token_days as (
      select (at at time zone ${timeZone})::date as day, sum(tokens)::float8 as tokens
      from token_growth
      where at >= (select at from window_start)
      group by 1
    ),
    start_days as (
      select (coalesce(s.started_at, s.created_at) at time zone ${timeZone})::date as day, count(*)::int as started
      from sessions s
      where s.account_id = ${accountId} and coalesce(s.started_at, s.created_at) >= (select at from window_start)
      group by 1
    ),
    days as (
      select d.day,
             coalesce(ed.events, 0) as events,
             coalesce(ed.tool_calls, 0) as tool_calls,
             coalesce(ed.sessions, 0) as sessions,
             coalesce(ed.active_hours, 0) as active_hours,
             coalesce(sd.started, 0) as started,
             coalesce(td.tokens, 0)::float8 as tokens
      from bounds,
           generate_series(bounds.first_day, bounds.last_day, interval '1 day') as g(at),
           lateral (select g.at::date as day) as d
      left join event_days ed on ed.day = d.day
      left join start_days sd on sd.day = d.day
      left join token_days td on td.day = d.day
    ),
    weeks as (
      select date_trunc('week', day)::date as week,
             sum(events)::int as events,
             sum(tool_calls)::int as tool_calls,
             sum(active_hours)::int as active_hours,
             sum(started)::int as started,
             sum(tokens)::float8 as tokens
      from days
      group by 1
    )
    select to_char(bounds.first_day, 'YYYY-MM-DD') as first_day,
           to_char(bounds.last_day, 'YYYY-MM-DD') as last_day,
           (select json_agg(json_build_object(
              'day', to_char(day, 'YYYY-MM-DD'), 'events', events, 'toolCalls', tool_calls, 'sessions', sessions,
              'activeHours', active_hours, 'sessionsStarted', started, 'tokens', tokens) order by day)
            from days) as days,
           (select json_agg(json_build_object(
              'week', to_char(week, 'YYYY-MM-DD'), 'events', events, 'toolCalls', tool_calls,
              'activeHours', active_hours, 'sessionsStarted', started, 'tokens', tokens,
              'eventsPerActiveHour', case when active_hours > 0 then round(events::numeric / active_hours, 1)::float8 end)
              order by week)
            from weeks) as weeks
    from bounds`)
  return row
}

export async function getAccountStats(
  db: Executor,
  input: {
    accountId: string
    timeZone: string
    /** `YYYY-MM-DD`, the last day shown; today in `timeZone` unless a test pins it. */
    today?: string
  },
): Promise<AccountStats> {
  const [summary, window, repositories, agents] = await Promise.all([
    accountSummary(db, input.accountId),
    activity(db, input.accountId, input.timeZone, input.today),
    breakdown(db, input.accountId, sql`coalesce(s.repo_name, '')`),
    breakdown(db, input.accountId, sql`s.origin`),
  ])
  return {
    timeZone: input.timeZone,
    firstDay: window.first_day,
    lastDay: window.last_day,
    summary,
    days: window.days ?? [],
    weeks: window.weeks ?? [],
    repositories,
    agents,
  }
}

// ---------------------------------------------------------------------------------------------
// One session

export type SessionStatsSummary = {
  events: number
  messages: number
  toolCalls: number
  failures: number
  /** Sum of the tool calls' durations, where the log reported them. */
  toolMs: number
  filesTouched: number
  firstAt: number | null
  lastAt: number | null
}

export type TokenPoint = {
  /** Epoch milliseconds. */
  at: number
  /** 0-based event ordinal; null for the session's final totals. */
  ordinal: number | null
  input: number
  cached: number
  output: number
  reasoning: number
}

export type ActivityBucket = {
  /** Start of the bucket, epoch milliseconds. */
  at: number
  messages: number
  toolCalls: number
  other: number
}

export type ToolUsage = {
  tool: string
  type: string
  calls: number
  failures: number
  medianMs: number | null
  p95Ms: number | null
  totalMs: number
}

export type CommandUsage = {
  family: string
  runs: number
  failures: number
  medianMs: number | null
}

export type DurationBucket = {
  label: string
  calls: number
  failures: number
}

export type FailedCall = {
  ordinal: number
  type: string
  tool: string
  command: string | null
  exitCode: number | null
  durationMs: number | null
  summary: string
  at: number | null
}

export type FileTouch = {
  path: string
  changes: number
  lastOrdinal: number
}

export type SessionStats = {
  summary: SessionStatsSummary
  tokens: TokenPoint[]
  activity: ActivityBucket[]
  tools: ToolUsage[]
  commands: CommandUsage[]
  durations: DurationBucket[]
  failures: FailedCall[]
  files: FileTouch[]
}

const TOKEN_POINTS = 300
const ACTIVITY_BUCKETS = 40
const TOP_TOOLS = 15
const TOP_COMMANDS = 15
const LISTED_FAILURES = 25
const LISTED_FILES = 25

/**
 * The "family" of a shell command: its program (basename, after leading `cd … &&`, `sudo`, `env`
 * and `VAR=value` words), with the subcommand for tools that are mostly used through one
 * (`git push`, `pnpm test`).
 */
const COMMAND_FAMILY = sql`coalesce(nullif(regexp_replace(
  substring(
    regexp_replace(
      regexp_replace(btrim(e.command), '^(cd\\s+\\S+\\s*(&&|;)\\s*)+', ''),
      '^((sudo|env|time|nohup|[A-Za-z_][A-Za-z0-9_]*=\\S*)\\s+)+', ''),
    '^(?:(?:git|npm|pnpm|yarn|npx|cargo|go|docker|gh|bun|uv|kubectl|make)\\s+[a-z][a-z0-9:_-]*|\\S+)'),
  '^\\S*/', ''), ''), '(empty)')`

/** Paths a FileChange event changed: `payload.paths` when the patch named several, else `path`. */
const CHANGED_PATHS = sql`jsonb_array_elements_text(case
  when jsonb_typeof(e.payload->'paths') = 'array' and jsonb_array_length(e.payload->'paths') > 0 then e.payload->'paths'
  else jsonb_build_array(e.path) end)`

export async function getSessionStats(db: Executor, session: { id: string; accountId: string }): Promise<SessionStats> {
  const scope = sql`e.session_id = ${session.id} and e.account_id = ${session.accountId}`
  const [summaryRows, tokens, activity, tools, commands, durations, failures, files] = await Promise.all([
    db.execute<SessionStatsSummary>(sql`
      select count(*)::int as "events",
             count(*) filter (where e.type = 'Message')::int as "messages",
             count(*) filter (where e.type in ${TOOL_TYPES})::int as "toolCalls",
             count(*) filter (where e.type in ${TOOL_TYPES} and ${failed('e')})::int as "failures",
             coalesce(sum(e.duration_ms) filter (where e.type in ${TOOL_TYPES}), 0)::float8 as "toolMs",
             (select count(distinct file)::int from timeline_events e, ${CHANGED_PATHS} as file
               where ${scope} and e.type = 'FileChange' and file <> '') as "filesTouched",
             (extract(epoch from min(e.at)) * 1000)::float8 as "firstAt",
             (extract(epoch from max(e.at)) * 1000)::float8 as "lastAt"
      from timeline_events e
      where ${scope}`),
    // At most TOKEN_POINTS stamps (the last of each run of events), then the session's final totals.
    db.execute<TokenPoint>(sql`
      with stamps as (
        select e.ordinal, e.at, e.payload->'tokensSoFar' as t, ntile(${TOKEN_POINTS}) over (order by e.ordinal) as bucket
        from timeline_events e
        where ${scope} and e.payload->'tokensSoFar' is not null and e.at is not null
      ),
      sampled as (
        select distinct on (bucket) ordinal, at, t from stamps order by bucket, ordinal desc
      )
      select * from (
        select (extract(epoch from at) * 1000)::float8 as "at", ordinal as "ordinal",
               (t->>'input')::float8 as "input", (t->>'cached')::float8 as "cached",
               (t->>'output')::float8 as "output", (t->>'reasoning')::float8 as "reasoning"
        from sampled
        union all
        select (extract(epoch from s.last_event_at) * 1000)::float8, null,
               s.input_tokens::float8, s.cached_input_tokens::float8, s.output_tokens::float8, s.reasoning_tokens::float8
        from sessions s
        where s.id = ${session.id} and s.account_id = ${session.accountId} and s.last_event_at is not null
          and (s.input_tokens + s.output_tokens + s.reasoning_tokens) > 0
      ) as points
      order by "ordinal" asc nulls last`),
    db.execute<ActivityBucket>(sql`
      with bounds as (
        select min(e.at) as lo, greatest(max(e.at) - min(e.at), interval '1 second') as span
        from timeline_events e
        where ${scope} and e.at is not null
      ),
      counted as (
        select least(floor(extract(epoch from e.at - b.lo) / extract(epoch from b.span) * ${ACTIVITY_BUCKETS})::int,
                     ${ACTIVITY_BUCKETS - 1}) as bucket,
               count(*) filter (where e.type = 'Message')::int as messages,
               count(*) filter (where e.type in ${TOOL_TYPES})::int as tool_calls,
               count(*) filter (where e.type not in ${TOOL_TYPES} and e.type <> 'Message')::int as other
        from timeline_events e, bounds b
        where ${scope} and e.at is not null
        group by 1
      )
      select (extract(epoch from b.lo + b.span * g.bucket / ${ACTIVITY_BUCKETS}) * 1000)::float8 as "at",
             coalesce(c.messages, 0) as "messages", coalesce(c.tool_calls, 0) as "toolCalls", coalesce(c.other, 0) as "other"
      from bounds b
      cross join generate_series(0, ${ACTIVITY_BUCKETS - 1}) as g(bucket)
      left join counted c on c.bucket = g.bucket
      where b.lo is not null
      order by g.bucket`),
    db.execute<ToolUsage>(sql`
      select coalesce(e.name, e.type) as "tool",
             mode() within group (order by e.type) as "type",
             count(*)::int as "calls",
             count(*) filter (where ${failed('e')})::int as "failures",
             percentile_cont(0.5) within group (order by e.duration_ms)::float8 as "medianMs",
             percentile_cont(0.95) within group (order by e.duration_ms)::float8 as "p95Ms",
             coalesce(sum(e.duration_ms), 0)::float8 as "totalMs"
      from timeline_events e
      where ${scope} and e.type in ${TOOL_TYPES}
      group by 1
      order by "calls" desc, "tool"
      limit ${TOP_TOOLS}`),
    db.execute<CommandUsage>(sql`
      select ${COMMAND_FAMILY} as "family",
             count(*)::int as "runs",
             count(*) filter (where ${failed('e')})::int as "failures",
             percentile_cont(0.5) within group (order by e.duration_ms)::float8 as "medianMs"
      from timeline_events e
      where ${scope} and e.type = 'LocalShellCall' and e.command is not null
      group by 1
      order by "runs" desc, "family"
      limit ${TOP_COMMANDS}`),
    db.execute<DurationBucket>(sql`
      with limits(position, label, low, high) as (
        values (1, '< 1 s', 0, 1000), (2, '1–10 s', 1000, 10000), (3, '10–60 s', 10000, 60000),
               (4, '1–5 min', 60000, 300000), (5, '≥ 5 min', 300000, null)
      )
      select l.label as "label",
             count(e.ordinal)::int as "calls",
             count(e.ordinal) filter (where ${failed('e')})::int as "failures"
      from limits l
      left join timeline_events e
        on ${scope} and e.type in ${TOOL_TYPES} and e.duration_ms >= l.low and (l.high is null or e.duration_ms < l.high)
      group by l.position, l.label
      order by l.position`),
    db.execute<FailedCall>(sql`
      select e.ordinal as "ordinal", e.type as "type", coalesce(e.name, e.type) as "tool",
             left(e.command, 200) as "command", e.exit_code as "exitCode", e.duration_ms as "durationMs",
             e.summary as "summary", (extract(epoch from e.at) * 1000)::float8 as "at"
      from timeline_events e
      where ${scope} and e.type in ${TOOL_TYPES} and ${failed('e')}
      order by e.ordinal
      limit ${LISTED_FAILURES}`),
    db.execute<FileTouch>(sql`
      select file as "path", count(*)::int as "changes", max(e.ordinal) as "lastOrdinal"
      from timeline_events e, ${CHANGED_PATHS} as file
      where ${scope} and e.type = 'FileChange' and file <> ''
      group by file
      order by "changes" desc, "path"
      limit ${LISTED_FILES}`),
  ])
  return {
    summary: summaryRows[0],
    tokens: [...tokens],
    activity: [...activity],
    tools: [...tools],
    commands: [...commands],
    durations: [...durations],
    failures: [...failures],
    files: [...files],
  }
}

export const statsRepository = { getAccountStats, getSessionStats }
