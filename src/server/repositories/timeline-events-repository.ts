/**
 * Timeline events, written in batches by ingest. A row is keyed by (session_id, ordinal), and the
 * parser numbers events in file order, so reading the same log again rewrites nothing: rows that
 * are unchanged are skipped, rows that differ (a call whose output arrived) are updated.
 */
import { sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { commandFamily } from '~/domain/agent-logs/command-family'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'

/** One event as ingest hands it over: the parser's draft, without session and account. */
export type TimelineEventInput = TimelineEventDraft

function row(event: TimelineEventInput) {
  return {
    ordinal: event.ordinal,
    event_key: event.eventKey,
    type: event.type,
    role: event.role,
    at: event.at,
    name: event.name,
    command: event.command,
    command_family: commandFamily(event.command),
    sidechain: event.payload.sidechain === true,
    path: event.path,
    exit_code: event.exitCode,
    duration_ms: event.durationMs,
    summary: event.summary,
    payload: event.payload,
  }
}

/**
 * JSON.stringify writes U+0000 and unpaired surrogates as `\u` escapes (paired ones stay raw), and
 * jsonb refuses both. Rewriting those escapes (when not themselves escaped) to U+FFFD makes the
 * whole batch storable in one pass over its text, object keys included.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(0000|d[89a-f][0-9a-f]{2})/gi

export function storableJsonText(value: unknown) {
  const text = JSON.stringify(value)
  // Nearly every batch has no `\u` escape at all; one scan for it is far cheaper than the regex.
  return text.includes('\\u') ? text.replace(UNSTORABLE_ESCAPE, '$1\\ufffd') : text
}

export const timelineEventsRepository = {
  /**
   * Inserts the events, or updates rows at the same ordinals whose content differs. One JSON
   * parameter carries the whole batch (Postgres unpacks it), which is far cheaper than thousands
   * of bind parameters. Returns how many rows were written.
   */
  async upsertEvents(tx: Executor, target: { sessionId: string; accountId: string }, events: TimelineEventInput[]) {
    if (events.length === 0) return 0
    const rows = storableJsonText(events.map(row))
    const written = await tx.execute(sql`
      insert into timeline_events
        (session_id, account_id, ordinal, event_key, type, role, at, name, command, command_family, sidechain, path,
         exit_code, duration_ms, summary, payload)
      select ${target.sessionId}::uuid, ${target.accountId}::uuid, r.ordinal, r.event_key, r.type, r.role, r.at, r.name,
             r.command, r.command_family, coalesce(r.sidechain, false), r.path, r.exit_code, r.duration_ms, r.summary, coalesce(r.payload, '{}'::jsonb)
      from jsonb_to_recordset(${rows}::jsonb) as r(
        ordinal integer, event_key text, type text, role text, at timestamptz, name text, command text,
        command_family text, sidechain boolean, path text,
        exit_code integer, duration_ms integer, summary text, payload jsonb)
      on conflict (session_id, ordinal) do update set
        event_key = excluded.event_key, type = excluded.type, role = excluded.role, at = excluded.at,
        name = excluded.name, command = excluded.command, command_family = excluded.command_family,
        sidechain = excluded.sidechain, path = excluded.path, exit_code = excluded.exit_code,
        duration_ms = excluded.duration_ms, summary = excluded.summary, payload = excluded.payload
      where (timeline_events.event_key, timeline_events.type, timeline_events.role, timeline_events.at,
             timeline_events.name, timeline_events.command, timeline_events.command_family,
             timeline_events.sidechain, timeline_events.path, timeline_events.exit_code,
             timeline_events.duration_ms, timeline_events.summary, timeline_events.payload)
        is distinct from
            (excluded.event_key, excluded.type, excluded.role, excluded.at, excluded.name, excluded.command,
             excluded.command_family, excluded.sidechain, excluded.path, excluded.exit_code, excluded.duration_ms, excluded.summary, excluded.payload)`)
    return written.count
  },

  /** Drops the events from `ordinal` on: a log that was truncated or replaced now ends earlier. */
  async deleteEventsFrom(tx: Executor, sessionId: string, ordinal: number) {
    const deleted = await tx.execute(
      sql`delete from timeline_events where session_id = ${sessionId} and ordinal >= ${ordinal}`,
    )
    return deleted.count
  },

  async countEvents(db: Executor, sessionId: string) {
    const [row] = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from timeline_events where session_id = ${sessionId}`,
    )
    return row.n
  },
}
