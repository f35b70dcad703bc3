/**
 * The events a timeline view shows, page by page from the session's on-demand `timeline_events`
 * collection: each page is one subset request (the view's conditions as `where`, `order by
 * ordinal`, `limit`), so a 100k-event session never syncs whole before its first rows paint.
 *
 * A jump to an event far into the session (a `#N` link, a search match) does not page through
 * everything before it: the list is anchored at that event. One query pages forwards from the
 * anchor in the view's order, a second one pages backwards from it as the reader scrolls up, and
 * the list is the second (reversed) followed by the first. Without an anchor the second is empty.
 * New events of a live session arrive through the same shape and join the loaded window.
 */
import { and, eq, gt, gte, inArray, lt, lte, type Ref, useLiveInfiniteQuery, useLiveQuery } from '@tanstack/react-db'
import { useCallback, useMemo, useRef, useState } from 'react'
import { ordinalOrder } from '~/collections/ordinal-order'
import { sessionCollection, type TimelineEventRow } from '~/collections/session-collections'
import type { TimelineConditions } from '~/domain/timeline/timeline-view'
import type { TimelineOrder } from './timeline-search'

/** The first page: what the first paint waits for, so small. */
export const TIMELINE_PAGE_SIZE = 200
/**
 * Every later page. A page costs a fixed round of requests (the on-demand stream's refresh and two
 * subset snapshots) whatever its size, and that round, not the rows, bounded paging at ~230
 * rows/s with 200-row pages; 1 000 rows a page cut the rounds five times.
 */
export const TIMELINE_LATER_PAGE_SIZE = 1_000

/**
 * The page size of one paged query: the first page small, every later one large. Growing the page
 * size keeps the page count (TanStack DB's infinite query), so the first "next page" is the switch
 * itself: one page of the large size holds the small one and the rows after it.
 */
function useGrowingPageSize(queryKey: string, fetchNextPage: () => Promise<void>) {
  const [grownFor, setGrownFor] = useState<string | null>(null)
  const grown = grownFor === queryKey
  const fetchMore = useCallback(async () => {
    if (grown) await fetchNextPage()
    else setGrownFor(queryKey)
  }, [grown, queryKey, fetchNextPage])
  return { pageSize: grown ? TIMELINE_LATER_PAGE_SIZE : TIMELINE_PAGE_SIZE, grown, fetchMore }
}

/**
 * While the switch to the large page size is loading, the window holds no more rows than the first
 * page and the infinite query reports no next page; there is one (the switch was asked for because
 * there was), and the list must neither call its end loaded nor count the rows to come as new.
 */
// (+ 1: the infinite query asks for one row beyond its pages to know whether there is a next one.)
const isGrowing = (grown: boolean, loadedRows: number) => grown && loadedRows <= TIMELINE_PAGE_SIZE + 1

export type TimelineEventsCollection = ReturnType<typeof sessionCollection<'timeline_events'>>

type EventRef = Ref<TimelineEventRow>

/** The view's conditions as a TanStack DB expression (compiled to the subset's SQL `where`). */
function whereOf(event: EventRef, conditions: TimelineConditions, extra: ReturnType<typeof eq>[] = []) {
  const parts = [...extra]
  if (conditions.types !== null) parts.push(inArray(event.type, [...conditions.types]))
  if (conditions.role !== null) parts.push(eq(event.role, conditions.role))
  if (conditions.commandFamily !== null) parts.push(eq(event.commandFamily, conditions.commandFamily))
  if (conditions.sidechain !== null) parts.push(eq(event.sidechain, conditions.sidechain))
  if (conditions.minOrdinal !== null) parts.push(gte(event.ordinal, conditions.minOrdinal))
  if (conditions.maxOrdinal !== null) parts.push(lte(event.ordinal, conditions.maxOrdinal))
  if (parts.length === 0) return undefined
  return parts.length === 1 ? parts[0] : and(parts[0], parts[1], ...parts.slice(2))
}

const hasConditions = (conditions: TimelineConditions) => Object.values(conditions).some((value) => value !== null)

const conditionsKey = (conditions: TimelineConditions) => JSON.stringify(conditions)

export function useTimelineEvents(
  sessionId: string,
  conditions: TimelineConditions,
  order: TimelineOrder,
  anchor: number | null,
  /** The events' collection; a share link's page passes its own (read through the share token). */
  collection?: TimelineEventsCollection,
) {
  const events = collection ?? sessionCollection('timeline_events', sessionId)
  const newestFirst = order === 'newest'
  const key = conditionsKey(conditions)

  const afterKey = JSON.stringify([sessionId, key, order, anchor, 'after'])
  const beforeKey = JSON.stringify([sessionId, key, order, anchor, 'before'])
  const afterFetch = useRef<() => Promise<void>>(async () => {})
  const beforeFetch = useRef<() => Promise<void>>(async () => {})
  const afterPages = useGrowingPageSize(
    afterKey,
    useCallback(() => afterFetch.current(), []),
  )
  const beforePages = useGrowingPageSize(
    beforeKey,
    useCallback(() => beforeFetch.current(), []),
  )

  // Forwards (in the view's order) from the anchor, or from the start without one.
  const after = useLiveInfiniteQuery(
    (q) => {
      const from = q.from({ event: events })
      const filtered =
        anchor === null && !hasConditions(conditions)
          ? from
          : from.where(({ event }) => {
              const start =
                anchor === null ? [] : [newestFirst ? lte(event.ordinal, anchor) : gte(event.ordinal, anchor)]
              return whereOf(event, conditions, start) as ReturnType<typeof eq>
            })
      return filtered.orderBy(({ event }) => event.ordinal, ordinalOrder(newestFirst ? 'desc' : 'asc'))
    },
    { pageSize: afterPages.pageSize, queryKey: ['timeline', sessionId, key, order, anchor, 'after'] },
  )
  afterFetch.current = after.fetchNextPage

  // Backwards from the anchor; without one it asks for nothing (no ordinal is below 0).
  const before = useLiveInfiniteQuery(
    (q) =>
      q
        .from({ event: events })
        .where(({ event }) => {
          const beyond =
            anchor === null ? lt(event.ordinal, 0) : newestFirst ? gt(event.ordinal, anchor) : lt(event.ordinal, anchor)
          return whereOf(event, conditions, [beyond]) ?? beyond
        })
        .orderBy(({ event }) => event.ordinal, ordinalOrder(newestFirst ? 'asc' : 'desc')),
    { pageSize: beforePages.pageSize, queryKey: ['timeline', sessionId, key, order, anchor, 'before'] },
  )
  beforeFetch.current = before.fetchNextPage

  const afterRows = after.data as TimelineEventRow[]
  const beforeRows = before.data as TimelineEventRow[]
  const rows = useMemo(() => [...beforeRows].reverse().concat(afterRows), [beforeRows, afterRows])

  return {
    rows,
    isReady: after.isReady && before.isReady,
    hasLater: after.hasNextPage || isGrowing(afterPages.grown, afterRows.length),
    isFetchingLater: after.isFetchingNextPage || isGrowing(afterPages.grown, afterRows.length),
    fetchLater: afterPages.fetchMore,
    hasEarlier: anchor !== null && (before.hasNextPage || isGrowing(beforePages.grown, beforeRows.length)),
    isFetchingEarlier: before.isFetchingNextPage || isGrowing(beforePages.grown, beforeRows.length),
    fetchEarlier: beforePages.fetchMore,
  }
}

/** One event by ordinal (its own subset request), whether or not the list has loaded it yet. */
export function useTimelineEvent(sessionId: string, ordinal: number | null, collection?: TimelineEventsCollection) {
  const events = collection ?? sessionCollection('timeline_events', sessionId)
  const result = useLiveQuery(
    (q) => (ordinal === null ? undefined : q.from({ event: events }).where(({ event }) => eq(event.ordinal, ordinal))),
    [sessionId, ordinal],
  )
  const rows = (result.data ?? []) as TimelineEventRow[]
  return { event: rows[0] ?? null, isReady: result.isReady }
}
