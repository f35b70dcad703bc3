/**
 * The timeline's URL state: which events it shows (the view: filter, role, type, command family,
 * origin, event range), their order and the in-session search text (search params, validated with
 * zod so a hand-edited URL falls back to the defaults), and the selected event (`#N`, the number
 * the rows show, i.e. ordinal + 1).
 */
import { z } from 'zod'
import {
  MAX_TIMELINE_QUERY_LENGTH,
  TIMELINE_ORDERS,
  type TimelineView,
  timelineViewSchema,
} from '~/domain/timeline/timeline-view'

export {
  FILTER_TYPES,
  TIMELINE_FILTERS,
  TIMELINE_ORDERS,
  type TimelineFilter,
  type TimelineOrder,
} from '~/domain/timeline/timeline-view'

export const timelineSearchSchema = timelineViewSchema.extend({
  order: z.enum(TIMELINE_ORDERS).catch('oldest').default('oldest'),
  /** In-session search text; too long a text is cut rather than refused, the URL came from a person. */
  q: z
    .string()
    .transform((text) => text.slice(0, MAX_TIMELINE_QUERY_LENGTH))
    .optional()
    .catch(undefined),
})

export type TimelineSearch = z.infer<typeof timelineSearchSchema>

export const TIMELINE_SEARCH_DEFAULTS = { filter: 'all', order: 'oldest' } as const satisfies Partial<TimelineSearch>

/** The part of the URL that decides which events are in the list. */
export function viewOf(search: TimelineSearch): TimelineView {
  const { filter, role, type, family, origin, from, to } = search
  return { filter, role, type, family, origin, from, to }
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
