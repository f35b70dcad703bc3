/**
 * One timeline event as the coach sees it: its display number and the fields worth reading,
 * rendered as a heading and a short multi-line summary (tools and the context builder share it).
 */
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'

export interface EventDigest {
  /** 1-based, as the timeline shows it (`#N`); the stored ordinal is `number - 1`. */
  number: number
  type: TimelineEventType
  role: string | null
  at: Date | null
  name: string | null
  command: string | null
  path: string | null
  exitCode: number | null
  summary: string
}

/** What a tool answers with and a user message keeps as `context_events`. */
export interface ChatEventReference {
  eventIndex: number
  displayIndex: number
  eventType: string
  summary: string
}

const SUMMARY_CHARS = 1200

export function clip(text: string, max: number) {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`
}

export function eventHeading(event: EventDigest) {
  return `Event #${event.number} ${event.type}`
}

/** One line: `#12 LocalShellCall · npm test (exit 1) — first words of the summary`. */
export function eventLine(event: EventDigest, maxChars = 200) {
  const what = event.command ?? event.name ?? event.path ?? event.role ?? ''
  const exit = event.exitCode === null ? '' : ` (exit ${event.exitCode})`
  const head = `#${event.number} ${event.type}${what ? ` · ${clip(what, 80)}` : ''}${exit}`
  return event.summary ? `${head} — ${clip(event.summary, Math.max(20, maxChars - head.length))}` : head
}

/** Multi-line detail: timestamp, role, command/exit/path, then the summary (≤ 1200 characters). */
export function eventDetail(event: EventDigest) {
  const lines = [eventHeading(event)]
  if (event.at) lines.push(`at: ${event.at.toISOString()}`)
  if (event.role) lines.push(`role: ${event.role}`)
  if (event.name) lines.push(`name: ${clip(event.name, 200)}`)
  if (event.command) lines.push(`command: ${clip(event.command, 400)}`)
  if (event.exitCode !== null) lines.push(`exit code: ${event.exitCode}`)
  if (event.path) lines.push(`path: ${clip(event.path, 300)}`)
  if (event.summary) lines.push(`content: ${clip(event.summary, SUMMARY_CHARS)}`)
  return lines.join('\n')
}

export function eventReference(event: EventDigest): ChatEventReference {
  return {
    eventIndex: event.number - 1,
    displayIndex: event.number,
    eventType: event.type,
    summary: clip(event.summary || eventLine(event), 200),
  }
}
