/**
 * A session's timeline: its header from the sessions collection, the events in a virtualized list
 * (only the rows on screen are in the DOM, and pages load as the list nears its end), and the
 * selected event's detail. Filter and order live in the search params, the selected event in the
 * hash (`#N`), so every view is a link.
 */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { Link, useNavigate, useRouterState } from '@tanstack/react-router'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ArrowDownUpIcon, ListXIcon, RotateCcwIcon, SearchXIcon, TriangleAlertIcon } from 'lucide-react'
import { type KeyboardEvent, useCallback, useEffect, useRef } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'
import type { Session } from '~/db/schema'
import { cn } from '~/lib/utils'
import { collectionIdOf } from '~/sync/catalog'
import { EventDetail } from './event-detail'
import { EVENT_ROW_HEIGHT, EventRow } from './event-row'
import { SessionHeader } from './session-header'
import {
  FILTER_TYPES,
  hashOfOrdinal,
  ordinalFromHash,
  TIMELINE_FILTERS,
  type TimelineFilter,
  type TimelineSearch,
} from './timeline-search'
import { useTimelineEvent, useTimelineEvents } from './use-timeline-events'

const FILTER_LABELS: Record<TimelineFilter, string> = {
  all: 'All',
  messages: 'Messages',
  tools: 'Tools',
  files: 'Files',
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const reloadPage = () => window.location.reload()

export function TimelineSkeleton() {
  return (
    <div className="flex flex-col gap-3" aria-hidden>
      <Skeleton className="h-8 w-2/3" />
      <Skeleton className="h-12 w-full" />
      <Skeleton className="h-96 w-full rounded-xl" />
    </div>
  )
}

export function SessionNotFound() {
  return (
    <EmptyState icon={SearchXIcon} title="Session not found" titleLevel={1}>
      <p>This session does not exist, was deleted, or belongs to another account.</p>
      <Link to="/sessions" className="underline underline-offset-2">
        Back to your sessions
      </Link>
    </EmptyState>
  )
}

export function TimelineView({ sessionId, search }: { sessionId: string; search: TimelineSearch }) {
  if (!UUID.test(sessionId)) return <SessionNotFound />
  return <TimelineForSession sessionId={sessionId} search={search} />
}

function TimelineForSession({ sessionId, search }: { sessionId: string; search: TimelineSearch }) {
  const sessionQuery = useLiveQuery(
    (q) => q.from({ session: sessionsCollection }).where(({ session }) => eq(session.id, sessionId)),
    [sessionId],
  )
  const session = (sessionQuery.data?.[0] ?? null) as Session | null
  const failure = useSyncFailure(collectionIdOf('timeline_events', sessionId))

  if (failure?.status === 403 || failure?.status === 404) return <SessionNotFound />
  if (!sessionQuery.isReady) return <TimelineSkeleton />
  if (!session) return <SessionNotFound />
  return (
    <>
      <SessionHeader session={session} />
      {failure ? (
        <Alert variant="destructive" className="mb-4">
          <TriangleAlertIcon aria-hidden />
          <AlertTitle>The timeline could not be synced</AlertTitle>
          <AlertDescription>
            <p>{failure.message} Reload the page to try again.</p>
            <Button size="sm" variant="outline" onClick={reloadPage}>
              <RotateCcwIcon aria-hidden />
              Reload
            </Button>
          </AlertDescription>
        </Alert>
      ) : null}
      <Timeline session={session} search={search} />
    </>
  )
}

function TimelineToolbar({ search }: { search: TimelineSearch }) {
  const linkClass =
    'rounded-md px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[current=true]:bg-primary aria-[current=true]:text-primary-foreground hover:bg-accent aria-[current=true]:hover:bg-primary'
  return (
    <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
      <nav aria-label="Event filter" className="flex flex-wrap gap-1 rounded-lg border bg-card p-1">
        {TIMELINE_FILTERS.map((filter) => (
          <Link
            key={filter}
            from="/sessions/$sessionId"
            to="."
            search={(previous) => ({ ...previous, filter })}
            hash={(previous) => previous ?? ''}
            aria-current={search.filter === filter ? 'true' : undefined}
            className={linkClass}
            replace
          >
            {FILTER_LABELS[filter]}
          </Link>
        ))}
      </nav>
      <Link
        from="/sessions/$sessionId"
        to="."
        search={(previous) => ({ ...previous, order: search.order === 'oldest' ? 'newest' : 'oldest' })}
        hash={(previous) => previous ?? ''}
        className="inline-flex items-center gap-1.5 rounded-md border bg-card px-3 py-1.5 text-sm hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
        replace
      >
        <ArrowDownUpIcon className="size-4" aria-hidden />
        {search.order === 'oldest' ? 'Oldest first' : 'Newest first'}
        <span className="sr-only">, switch the order</span>
      </Link>
    </div>
  )
}

function Timeline({ session, search }: { session: Session; search: TimelineSearch }) {
  const navigate = useNavigate({ from: '/sessions/$sessionId' })
  const hash = useRouterState({ select: (state) => state.location.hash })
  const selectedOrdinal = ordinalFromHash(hash)
  const events = useTimelineEvents(session.id, search.filter, search.order)
  const selected = useTimelineEvent(session.id, selectedOrdinal)
  const rows = events.data
  const scrollRef = useRef<HTMLDivElement>(null)
  const focusAfterScroll = useRef(false)

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => EVENT_ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.ordinal ?? index,
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.at(-1)?.index ?? -1

  // Load the next page before the reader reaches the end of what is loaded.
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = events
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 40) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length])

  const selectedIndex = selectedOrdinal === null ? -1 : rows.findIndex((row) => row.ordinal === selectedOrdinal)
  const selectedMatchesFilter =
    selected.event !== null && (search.filter === 'all' || FILTER_TYPES[search.filter].includes(selected.event.type))

  // A deep link to an event past the loaded pages: keep loading until it is in the list.
  useEffect(() => {
    if (selectedIndex === -1 && selectedMatchesFilter && hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [selectedIndex, selectedMatchesFilter, hasNextPage, isFetchingNextPage, fetchNextPage])

  // Bring the selected row into view (no jump when it is visible already), and focus it after a key press.
  useEffect(() => {
    if (selectedIndex === -1) return
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
    if (!focusAfterScroll.current) return
    focusAfterScroll.current = false
    const ordinal = rows[selectedIndex]?.ordinal
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-ordinal="${ordinal}"]`)?.focus()
    })
  }, [selectedIndex, virtualizer, rows])

  const select = useCallback(
    (ordinal: number | null) => {
      void navigate({
        to: '.',
        search: (previous) => previous,
        hash: ordinal === null ? '' : hashOfOrdinal(ordinal),
        replace: true,
      })
    },
    [navigate],
  )

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step =
      event.key === 'j' || event.key === 'ArrowDown' ? 1 : event.key === 'k' || event.key === 'ArrowUp' ? -1 : 0
    if (step === 0 || rows.length === 0) return
    event.preventDefault()
    const from = selectedIndex === -1 ? (step === 1 ? -1 : rows.length) : selectedIndex
    const next = rows[Math.min(rows.length - 1, Math.max(0, from + step))]
    if (!next) return
    focusAfterScroll.current = true
    select(next.ordinal)
  }

  return (
    <div className="grid min-w-0 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <div className="flex min-w-0 flex-col">
        <TimelineToolbar search={search} />
        {!events.isReady ? (
          <Skeleton className="h-[60vh] w-full rounded-xl" />
        ) : rows.length === 0 ? (
          <EmptyState
            icon={ListXIcon}
            title={search.filter === 'all' ? 'No events yet' : 'No events match this filter'}
          >
            <p>
              {search.filter === 'all'
                ? session.status === 'live'
                  ? 'This session is being read; its events appear here as they are stored.'
                  : 'No event could be read from this session.'
                : 'Choose another filter to see the rest of the session.'}
            </p>
          </EmptyState>
        ) : (
          <>
            <p className="sr-only" id="timeline-keys">
              Use j and k or the arrow keys to move between events; Enter shows an event.
            </p>
            {/* biome-ignore lint/a11y/noStaticElementInteractions: the keys move between the row buttons inside */}
            <div
              ref={scrollRef}
              onKeyDown={onKeyDown}
              className="h-[60vh] min-h-80 overflow-auto rounded-xl border bg-card shadow-xs"
              data-testid="timeline-scroll"
            >
              <ul
                aria-label="Events"
                aria-describedby="timeline-keys"
                className="relative w-full"
                style={{ height: virtualizer.getTotalSize() }}
              >
                {items.map((item) => {
                  const row = rows[item.index]
                  if (!row) return null
                  return (
                    <li
                      key={item.key}
                      className="absolute top-0 left-0 w-full"
                      style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                    >
                      <EventRow event={row} selected={row.ordinal === selectedOrdinal} onSelect={select} />
                    </li>
                  )
                })}
              </ul>
            </div>
            <p className="mt-2 text-muted-foreground text-xs" aria-live="polite">
              {rows.length.toLocaleString('en-US')} event{rows.length === 1 ? '' : 's'} loaded
              {hasNextPage ? ', more load as you scroll' : ''}
            </p>
          </>
        )}
      </div>
      <div className={cn('min-w-0', selectedOrdinal === null && 'hidden lg:block')}>
        {selected.event ? (
          <div className="lg:sticky lg:top-4">
            <EventDetail event={selected.event} onClose={() => select(null)} />
          </div>
        ) : selectedOrdinal !== null && selected.isReady ? (
          <EmptyState icon={SearchXIcon} title={`No event #${selectedOrdinal + 1}`}>
            <p>This session has no event with that number.</p>
          </EmptyState>
        ) : (
          <p className="rounded-xl border border-dashed p-4 text-muted-foreground text-sm">
            Select an event to see its details.
          </p>
        )}
      </div>
    </div>
  )
}
