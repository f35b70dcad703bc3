/**
 * Timeline events, written in batches by ingest. A row is keyed by (session_id, ordinal), and the
 * parser numbers events in file order, so reading the same log again rewrites nothing: rows that
 * are unchanged are skipped, rows that differ (a call whose output arrived) are updated.
 */
import { sql } from 'drizzle-orm'
import { driverOf, type Executor, type Transaction } from '~/db/client'
import { commandFamily } from '~/domain/agent-logs/command-family'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'
import { errorMessage } from '~/lib/error-message'
import { COPY_COLUMNS, encodeEventsForCopy, storableJsonText } from './timeline-events-copy'

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

/** What a write of events changed: how many rows, and the lowest ordinal written (null: none). */
export interface EventsWritten {
  count: number
  firstOrdinal: number | null
  lastOrdinal: number | null
}

const NOTHING_WRITTEN: EventsWritten = { count: 0, firstOrdinal: null, lastOrdinal: null }

/** Batches with fewer events go through the upsert alone (see writeEvents). */
export const COPY_MIN_EVENTS = 200

/**
 * Streams a COPY body into timeline_events. postgres.js settles a COPY stream only when it
 * succeeds: when Postgres refuses the data (at its end, where constraints and triggers run), the
 * stream neither finishes nor fails. So the stream is only written and ended, and the next
 * statement of the transaction, which runs after the COPY, tells: it fails once the COPY failed.
 */
async function copyIn(tx: Transaction, body: Buffer) {
  const driver = driverOf(tx)
  const stream = await driver
    .unsafe(`copy timeline_events (${COPY_COLUMNS.join(', ')}) from stdin with (format binary)`)
    .writable()
  await new Promise<void>((resolve, reject) => {
    stream.once('error', reject)
    stream.write(body, (error) => (error ? reject(error) : resolve()))
  })
  stream.end()
  // end() hands the stream's last step (sending CopyDone) to the next tick; a query sent before it
  // would be refused as "COPY in progress".
  await new Promise((resolve) => setImmediate(resolve))
  try {
    await driver`select 1`
  } catch (error) {
    throw new Error(
      `Postgres refused the timeline events written by COPY (its reason is in the Postgres log): ${errorMessage(error)}`,
    )
  }
}

export const timelineEventsRepository = {
  /**
   * Writes a batch of one session's events. In a batch of COPY_MIN_EVENTS or more, those past the
   * session's last stored ordinal go in by
   * binary COPY (no conflict to check, no batch JSON for Postgres to parse), the rest through
   * `upsertEvents` (the same log read again, a call whose output arrived, a re-read after
   * truncation). The caller must hold the session row's lock in this transaction, as ingest does
   * by upserting the session first: then no other writer adds events between reading the last
   * ordinal and the COPY. (A writer that did not would meet the primary key, never a duplicate.)
   */
  async writeEvents(
    tx: Transaction,
    target: { sessionId: string; accountId: string },
    events: TimelineEventInput[],
  ): Promise<EventsWritten> {
    if (events.length === 0) return NOTHING_WRITTEN
    // A COPY costs three round trips more than one upsert statement; only a batch this large (an
    // upload, a long read) gains from it. Small batches (a tailed line, a small file) stay upserts.
    if (events.length < COPY_MIN_EVENTS) return this.upsertEvents(tx, target, events)
    // The session check (a statement trigger, drizzle/0015) would refuse an event outside its
    // account's session only at the end of the COPY, where postgres.js cannot report it (below);
    // checked here with a clear message instead.
    const [session] = await tx.execute<{ sameAccount: boolean; last: number | null }>(sql`
      select account_id = ${target.accountId}::uuid as "sameAccount",
             (select max(ordinal) from timeline_events where session_id = ${target.sessionId}) as last
      from sessions where id = ${target.sessionId}`)
    if (!session?.sameAccount) {
      throw new Error(
        `Session ${target.sessionId} does not exist in account ${target.accountId}; its events were not stored.`,
      )
    }
    const stored = session.last ?? -1
    const fresh: TimelineEventInput[] = []
    const known: TimelineEventInput[] = []
    for (const event of events) (event.ordinal > stored ? fresh : known).push(event)
    const updated = await this.upsertEvents(tx, target, known)
    if (fresh.length === 0) return updated
    await copyIn(tx, encodeEventsForCopy(target, fresh))
    const freshOrdinals = fresh.map((event) => event.ordinal)
    const lowestFresh = Math.min(...freshOrdinals)
    const highestFresh = Math.max(...freshOrdinals)
    return {
      count: updated.count + fresh.length,
      firstOrdinal: updated.firstOrdinal === null ? lowestFresh : Math.min(updated.firstOrdinal, lowestFresh),
      lastOrdinal: updated.lastOrdinal === null ? highestFresh : Math.max(updated.lastOrdinal, highestFresh),
    }
  },

  /**
   * Inserts the events, or updates rows at the same ordinals whose content differs. One JSON
   * parameter carries the whole batch (Postgres unpacks it), which is far cheaper than thousands
   * of bind parameters. Returns how many rows were written and their lowest and highest ordinal.
   */
  async upsertEvents(
    tx: Executor,
    target: { sessionId: string; accountId: string },
    events: TimelineEventInput[],
  ): Promise<EventsWritten> {
    if (events.length === 0) return NOTHING_WRITTEN
    const rows = storableJsonText(events.map(row))
    const [written] = await tx.execute<{ count: number; first: number | null; last: number | null }>(sql`
      with written as (
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
             excluded.command_family, excluded.sidechain, excluded.path, excluded.exit_code, excluded.duration_ms, excluded.summary, excluded.payload)
      returning ordinal)
      select count(*)::int as count, min(ordinal) as first, max(ordinal) as last from written`)
    return { count: written.count, firstOrdinal: written.first, lastOrdinal: written.last }
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
