/**
 * The events a timeline view shows, page by page from the session's on-demand `timeline_events`
 * collection: each page is one subset request (`where type in …`, `order by ordinal`, `limit`),
 * so a 100k-event session never syncs whole before its first rows paint. New events of a live
 * session arrive through the same shape and join the loaded window.
 */
import { eq, inArray, useLiveInfiniteQuery, useLiveQuery } from '@tanstack/react-db'
import { sessionCollection, type TimelineEventRow } from '~/collections/session-collections'
import { FILTER_TYPES, type TimelineFilter, type TimelineOrder } from './timeline-search'

export const TIMELINE_PAGE_SIZE = 200

export function useTimelineEvents(sessionId: string, filter: TimelineFilter, order: TimelineOrder) {
  const events = sessionCollection('timeline_events', sessionId)
  const result = useLiveInfiniteQuery(
    (q) => {
      const from = q.from({ event: events })
      const filtered =
        filter === 'all' ? from : from.where(({ event }) => inArray(event.type, [...FILTER_TYPES[filter]]))
      return filtered.orderBy(({ event }) => event.ordinal, order === 'newest' ? 'desc' : 'asc')
    },
    { pageSize: TIMELINE_PAGE_SIZE, queryKey: ['timeline', sessionId, filter, order] },
  )
  return { ...result, data: result.data as TimelineEventRow[] }
}

/** One event by ordinal (its own subset request), whether or not the list has loaded it yet. */
export function useTimelineEvent(sessionId: string, ordinal: number | null) {
  const events = sessionCollection('timeline_events', sessionId)
  const result = useLiveQuery(
    (q) => (ordinal === null ? undefined : q.from({ event: events }).where(({ event }) => eq(event.ordinal, ordinal))),
    [sessionId, ordinal],
  )
  const rows = (result.data ?? []) as TimelineEventRow[]
  return { event: rows[0] ?? null, isReady: result.isReady }
}
