import type { SessionOrigin } from '~/domain/sessions/session-kinds'
import type { TimelineEventType } from './timeline-event-types'

/** The agents whose logs we parse; `unknown` is the session origin for anything else. */
export type AgentLogFormat = Exclude<SessionOrigin, 'unknown'>

/**
 * One row of `timeline_events` before the ingest layer adds `session_id` and `account_id`.
 * Strings are already storable (no NUL) and capped (see limits.ts); `at` is ISO 8601 UTC.
 */
export interface TimelineEventDraft {
  /** 0-based, in emission order, which is the order of the lines the events came from. */
  ordinal: number
  /** The agent's own id for the event (call id, message id), when it has one. */
  eventKey: string | null
  type: TimelineEventType
  role: string | null
  at: string | null
  name: string | null
  command: string | null
  path: string | null
  exitCode: number | null
  durationMs: number | null
  /** One line for the timeline row. */
  summary: string
  /** The normalised event: its type's fields plus `line`, the source line number. */
  payload: Record<string, unknown>
}

/** A line that could not be read; it is counted, kept here (the first few), and skipped. */
export interface MalformedLine {
  lineNumber: number
  reason: string
  /** The start of the line, so a person can find it. */
  excerpt: string
}

/** What the `sessions` row needs, gathered while parsing. Names follow the table's columns. */
export interface ParsedSessionInfo {
  origin: AgentLogFormat
  /** The agent's own session id; null when the log has none (the ingest layer then hashes the content). */
  sourceKey: string | null
  /** The first prompt a person typed, on one line and trimmed; null when there is none. */
  title: string | null
  repoName: string | null
  remoteUrl: string | null
  branch: string | null
  commitSha: string | null
  cwd: string | null
  model: string | null
  cliVersion: string | null
  startedAt: string | null
  lastEventAt: string | null
  eventCount: number
  errorLineCount: number
  /** The first MAX_KEPT_MALFORMED_LINES malformed lines; `errorLineCount` counts them all. */
  malformedLines: MalformedLine[]
  /** Non-blank lines pushed so far. */
  linesRead: number
  inputTokens: number
  cachedInputTokens: number
  outputTokens: number
  reasoningTokens: number
}

/**
 * A stateful, line-by-line parser for one log. Memory stays bounded: it keeps only the session
 * info, calls still waiting for their output (at most MAX_HELD_EVENTS events) and a few ids.
 */
export interface AgentLogParser {
  readonly format: AgentLogFormat
  /** Feeds one line (without its line break). Returns the events that became complete, in order. */
  push(line: string, lineNumber: number): TimelineEventDraft[]
  /** Releases every held event now (calls still without output go out unpaired). The parser stays usable. */
  flush(): TimelineEventDraft[]
  /** The session info so far (held events are not counted until they are emitted). */
  info(): ParsedSessionInfo
  /** End of input: flushes held events and returns them with the final session info. */
  finish(): { events: TimelineEventDraft[]; info: ParsedSessionInfo }
  /** Everything needed to continue after a restart; plain JSON. See docs/agent-logs.md. */
  saveState(): AgentLogParserState
}

/** Opaque, JSON-serialisable parser state; only `format`, `nextOrdinal` and `lastLineNumber` are meant to be read. */
export interface AgentLogParserState {
  version: 1
  format: AgentLogFormat
  nextOrdinal: number
  lastLineNumber: number
  core: unknown
  agent: unknown
}
