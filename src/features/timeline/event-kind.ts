/** How each event type is shown: a short label and an icon, the same in rows and in the detail. */
import {
  BrainIcon,
  FileDiffIcon,
  GlobeIcon,
  type LucideIcon,
  MessageSquareIcon,
  PuzzleIcon,
  SquareTerminalIcon,
  WrenchIcon,
} from 'lucide-react'
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'

export const EVENT_KINDS: Record<TimelineEventType, { label: string; icon: LucideIcon }> = {
  Message: { label: 'Message', icon: MessageSquareIcon },
  Reasoning: { label: 'Reasoning', icon: BrainIcon },
  FunctionCall: { label: 'Tool call', icon: WrenchIcon },
  LocalShellCall: { label: 'Shell', icon: SquareTerminalIcon },
  WebSearchCall: { label: 'Web search', icon: GlobeIcon },
  CustomToolCall: { label: 'Custom tool', icon: WrenchIcon },
  FileChange: { label: 'File change', icon: FileDiffIcon },
  Other: { label: 'Other', icon: PuzzleIcon },
}

export function formatEventTime(at: Date | null) {
  return at ? at.toISOString().slice(11, 19) : null
}

/** Date and time to the millisecond, in UTC like the session header's dates: "2026-03-02 10:01:03.110 UTC". */
export function formatEventTimestamp(at: Date | null) {
  if (!at) return null
  const iso = at.toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`
}

export function formatDuration(ms: number) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}
