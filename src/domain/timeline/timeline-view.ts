/**
 * Which events a timeline view shows: the params a person picks (in the page URL) and the plain
 * conditions they stand for. The browser turns the conditions into the `where` of its on-demand
 * query, the server into SQL for in-session search, so both always agree on what a view holds.
 */
import { z } from 'zod'
import { COMMAND_FAMILIES, type CommandFamily } from '~/domain/agent-logs/command-family'
import { TIMELINE_EVENT_TYPES, type TimelineEventType } from '~/domain/agent-logs/timeline-event-types'

export const TIMELINE_FILTERS = ['all', 'messages', 'tools', 'files'] as const
export type TimelineFilter = (typeof TIMELINE_FILTERS)[number]

export const TIMELINE_ORDERS = ['oldest', 'newest'] as const
export type TimelineOrder = (typeof TIMELINE_ORDERS)[number]

/** Roles the parsers write (Gemini says `model` where the others say `assistant`). */
export const TIMELINE_ROLES = ['user', 'assistant', 'model', 'system', 'developer'] as const
export type TimelineRole = (typeof TIMELINE_ROLES)[number]

/** `main`: the conversation itself; `subagent`: Claude Code sidechains (Task sub-agents). */
export const TIMELINE_ORIGINS = ['main', 'subagent'] as const
export type TimelineOrigin = (typeof TIMELINE_ORIGINS)[number]

/** The event types each filter keeps; `all` keeps every type (no condition at all). */
export const FILTER_TYPES: Record<Exclude<TimelineFilter, 'all'>, readonly TimelineEventType[]> = {
  messages: ['Message', 'Reasoning'],
  tools: ['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall'],
  files: ['FileChange'],
}

/** Event numbers as people see them: `#1` is ordinal 0. */
const eventNumber = z.coerce.number().int().min(1).max(999_999_999)

/**
 * What a view shows. Every field falls back (to the default or to "no condition") instead of
 * failing, so a hand-edited URL still opens the session.
 */
export const timelineViewSchema = z.object({
  filter: z.enum(TIMELINE_FILTERS).catch('all').default('all'),
  role: z.enum(TIMELINE_ROLES).optional().catch(undefined),
  type: z.enum(TIMELINE_EVENT_TYPES).optional().catch(undefined),
  family: z.enum(COMMAND_FAMILIES).optional().catch(undefined),
  origin: z.enum(TIMELINE_ORIGINS).optional().catch(undefined),
  /** First and last event number shown (inclusive). */
  from: eventNumber.optional().catch(undefined),
  to: eventNumber.optional().catch(undefined),
})
export type TimelineView = z.infer<typeof timelineViewSchema>

export interface TimelineConditions {
  /** Allowed types; null allows every type. An empty list matches nothing. */
  types: readonly TimelineEventType[] | null
  role: TimelineRole | null
  commandFamily: CommandFamily | null
  sidechain: boolean | null
  /** Inclusive ordinal bounds (0-based). */
  minOrdinal: number | null
  maxOrdinal: number | null
}

export function timelineConditions(view: TimelineView): TimelineConditions {
  const filterTypes = view.filter === 'all' ? null : FILTER_TYPES[view.filter]
  const types = view.type ? (filterTypes && !filterTypes.includes(view.type) ? [] : [view.type]) : filterTypes
  const first = view.from === undefined ? null : view.from - 1
  const last = view.to === undefined ? null : view.to - 1
  // A range given backwards (`from=90&to=10`) means the same events as the right way round.
  const backwards = first !== null && last !== null && first > last
  return {
    types,
    role: view.role ?? null,
    commandFamily: view.family ?? null,
    sidechain: view.origin === undefined ? null : view.origin === 'subagent',
    minOrdinal: backwards ? last : first,
    maxOrdinal: backwards ? first : last,
  }
}

/** Whether one event belongs to the view (the same test the queries run, for a row already at hand). */
export function matchesConditions(
  event: {
    type: TimelineEventType
    role: string | null
    commandFamily: string | null
    sidechain: boolean
    ordinal: number
  },
  conditions: TimelineConditions,
) {
  return (
    (conditions.types === null || conditions.types.includes(event.type)) &&
    (conditions.role === null || event.role === conditions.role) &&
    (conditions.commandFamily === null || event.commandFamily === conditions.commandFamily) &&
    (conditions.sidechain === null || event.sidechain === conditions.sidechain) &&
    (conditions.minOrdinal === null || event.ordinal >= conditions.minOrdinal) &&
    (conditions.maxOrdinal === null || event.ordinal <= conditions.maxOrdinal)
  )
}

/** The longest in-session search text; longer input is refused with this in the message. */
export const MAX_TIMELINE_QUERY_LENGTH = 200
