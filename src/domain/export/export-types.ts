/** What an export is made of: the request (validated), the session, and the events, as plain data. */
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'
import type { SessionOrigin, SessionStatus } from '~/domain/sessions/session-kinds'

export const EXPORT_FORMATS = ['markdown', 'json', 'csv', 'text', 'html'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const EXPORT_SCOPES = ['entire', 'filtered', 'range', 'event'] as const
export type ExportScope = (typeof EXPORT_SCOPES)[number]

/** One exported event: a `timeline_events` row; `number` is what the timeline shows (ordinal + 1). */
export interface ExportEvent {
  ordinal: number
  eventKey: string | null
  type: TimelineEventType
  role: string | null
  /** ISO 8601 UTC. */
  at: string | null
  name: string | null
  command: string | null
  path: string | null
  exitCode: number | null
  durationMs: number | null
  summary: string
  payload: Record<string, unknown>
}

export interface ExportSession {
  id: string
  title: string
  origin: SessionOrigin
  status: SessionStatus
  repoName: string | null
  branch: string | null
  commitSha: string | null
  cwd: string | null
  model: string | null
  cliVersion: string | null
  startedAt: string | null
  lastEventAt: string | null
}

/** The validated request, with the timeline filter already turned into event types. */
export interface ExportRequest {
  format: ExportFormat
  scope: ExportScope
  /** The timeline filter's name (`filtered` scope), for the reader; `types` is what it selects. */
  filter: string | null
  /** Event types kept (`filtered` scope); null keeps every type. */
  types: readonly TimelineEventType[] | null
  order: 'oldest' | 'newest'
  /** Event numbers (1-based, inclusive): `range` uses from–to, `event` uses from = to = the event. */
  from: number | null
  to: number | null
  timestamps: boolean
  metadata: boolean
  /** Instructions (system/developer prompts, injected AGENTS.md and environment text) are redacted unless `include`. */
  instructions: 'redact' | 'include'
}

export interface ExportContext {
  session: ExportSession
  request: ExportRequest
  /** ISO 8601 UTC. */
  exportedAt: string
  /** How many events the export holds. */
  eventCount: number
  /** The session was still being written (or stopped early) when exported, so it may lack events. */
  isPartial: boolean
}

/**
 * A format, written in pieces so an export streams: `begin`, then `event` for each event in order
 * (`index` counts from 0 within the export), then `end`.
 */
export interface ExportFormatter {
  extension: string
  contentType: string
  begin(context: ExportContext): string
  event(event: ExportEvent, index: number, context: ExportContext): string
  end(context: ExportContext): string
}
