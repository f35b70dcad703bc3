/**
 * The timeline's URL state: which events it shows and in which order (search params, validated
 * with zod so a hand-edited URL falls back to the defaults), and the selected event (`#N`, the
 * number the rows show, i.e. ordinal + 1).
 */
import { z } from 'zod'
import type { TimelineEventType } from '~/domain/agent-logs/timeline-event-types'

export const TIMELINE_FILTERS = ['all', 'messages', 'tools', 'files'] as const
export type TimelineFilter = (typeof TIMELINE_FILTERS)[number]

export const TIMELINE_ORDERS = ['oldest', 'newest'] as const
export type TimelineOrder = (typeof TIMELINE_ORDERS)[number]

export const timelineSearchSchema = z.object({
  filter: z.enum(TIMELINE_FILTERS).catch('all').default('all'),
  order: z.enum(TIMELINE_ORDERS).catch('oldest').default('oldest'),
})

export type TimelineSearch = z.infer<typeof timelineSearchSchema>

export const TIMELINE_SEARCH_DEFAULTS: TimelineSearch = { filter: 'all', order: 'oldest' }

/** The event types each filter keeps; `all` keeps every type (no condition at all). */
export const FILTER_TYPES: Record<Exclude<TimelineFilter, 'all'>, readonly TimelineEventType[]> = {
  messages: ['Message', 'Reasoning'],
  tools: ['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall'],
  files: ['FileChange'],
}

/** `#12` → ordinal 11; anything that is not a positive whole number selects nothing. */
export function ordinalFromHash(hash: string): number | null {
  const match = /^#?(\d{1,9})$/.exec(hash.trim())
  if (!match) return null
  const number = Number(match[1])
  return number >= 1 ? number - 1 : null
}

export function hashOfOrdinal(ordinal: number): string {
  return String(ordinal + 1)
}
