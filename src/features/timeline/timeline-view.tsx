/**
 * A session's timeline: its header from the sessions collection, the events in a virtualized list
 * (only the rows on screen are in the DOM; pages load as the list nears either end), and the
 * selected event's detail (beside the list on wide screens, a drawer below `lg`). Everything that
 * decides what is shown lives in the URL: the view and search text in the search params, the
 * selected event in the hash (`#N`), so every view is a link.
 *
 * A share link's visitor gets the same list read-only (`SessionTimeline` with `visitor`): the same
 * filters, order and `#N` links, over the events the link's own collection serves; no in-session
 * search (the server search checks an account's access, not a link), no add to coach and no
 * previous/next session.
 */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { Link, useNavigate, useRouterState } from '@tanstack/react-router'
import { useVirtualizer } from '@tanstack/react-virtual'
import {
  ArrowDownIcon,
  ArrowUpIcon,
  ChevronLeftIcon,
  ChevronRightIcon,
  ListXIcon,
  RotateCcwIcon,
  SearchXIcon,
  TriangleAlertIcon,
} from 'lucide-react'
import { Dialog as DialogPrimitive } from 'radix-ui'
import { type KeyboardEvent, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { TimelineEventRow } from '~/collections/session-collections'
import { sessionsCollection } from '~/collections/sessions-collection'
import { sharedSessionsCollection } from '~/collections/shared-sessions-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { ModalContent } from '~/components/ui/dialog'
import { Skeleton } from '~/components/ui/skeleton'
import type { Session } from '~/db/schema'
import { matchesConditions, type TimelineConditions, timelineConditions } from '~/domain/timeline/timeline-view'
import { cn } from '~/lib/utils'
import { collectionIdOf } from '~/sync/catalog'
import { EventDetail } from './event-detail'
import { EVENT_ROW_HEIGHT, EventRow } from './event-row'
import { SessionHeader } from './session-header'
import { hashOfOrdinal, ordinalFromHash, type TimelineSearch, viewOf } from './timeline-search'
import { TimelineToolbar } from './timeline-toolbar'
import { useReaderPosition } from './use-reader-position'
import { useSessionNeighbours } from './use-session-neighbours'
import { type TimelineEventsCollection, useTimelineEvent, useTimelineEvents } from './use-timeline-events'
import { useTimelineMatches } from './use-timeline-matches'
import { useWideScreen } from './use-wide-screen'

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/**
 * Rows from either end of what is loaded at which the next page is asked for: a few screens, so a
 * reader scrolling steadily finds the next page there before they reach the end.
 */
const PAGE_AHEAD_ROWS = 150
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

/** What another feature shows on an event's row (EventRow's `marker`), e.g. a misalignment's severity. */
export type MarkerFor = (ordinal: number) => ReactNode

/**
 * `frame` wraps the timeline of a session that exists (the coach beside it); a missing session
 * shows only its not-found state, with nothing that offers to work on it.
 */
type TimelineViewProps = {
  sessionId: string
  search: TimelineSearch
  markerFor?: MarkerFor
  frame?: (timeline: ReactNode) => ReactNode
  /** Session-level buttons of other features (the coach toggle), in the header's action row. */
  headerActions?: ReactNode
}

export function TimelineView(props: TimelineViewProps) {
  if (!UUID.test(props.sessionId)) return <SessionNotFound />
  return <TimelineForSession {...props} />
}

function TimelineForSession({
  sessionId,
  search,
  markerFor,
  frame = (timeline) => timeline,
  headerActions,
}: TimelineViewProps) {
  const sessionQuery = useLiveQuery(
    (q) => q.from({ session: sessionsCollection }).where(({ session }) => eq(session.id, sessionId)),
    [sessionId],
  )
  // A session another account shared with this user (team membership) is read from its own shape.
  const sharedQuery = useLiveQuery(
    (q) => q.from({ session: sharedSessionsCollection }).where(({ session }) => eq(session.id, sessionId)),
    [sessionId],
  )
  const own = (sessionQuery.data?.[0] ?? null) as Session | null
  const session = own ?? ((sharedQuery.data?.[0] ?? null) as Session | null)
  const failure = useSyncFailure(collectionIdOf('timeline_events', sessionId))

  if (failure?.status === 403 || failure?.status === 404) return <SessionNotFound />
  if (!session && (!sessionQuery.isReady || !sharedQuery.isReady)) return <TimelineSkeleton />
  if (!session) return <SessionNotFound />
  return frame(
    <>
      <SessionHeader
        session={session}
        actions={
          <>
            <SessionNavigation session={session} />
            {headerActions}
          </>
        }
        shareable={own !== null}
      />
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
      <SessionTimeline key={session.id} session={session} search={search} markerFor={markerFor} />
    </>,
  )
}

/** `[` and `]`: the previous and next session in the explorer's order, as links and as keys. */
function SessionNavigation({ session }: { session: Session }) {
  const { previous, next } = useSessionNeighbours(session)
  const navigate = useNavigate()
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return
      const target = event.key === '[' ? previous : event.key === ']' ? next : null
      if (!target) return
      event.preventDefault()
      void navigate({ to: '/sessions/$sessionId', params: { sessionId: target.id } })
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [previous, next, navigate])
  const linkClass =
    'inline-flex items-center gap-1 rounded-md border bg-card px-2 py-1 text-sm hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring aria-disabled:pointer-events-none aria-disabled:opacity-50'
  return (
    <nav aria-label="Other sessions" className="flex gap-2">
      {previous ? (
        <Link
          to="/sessions/$sessionId"
          params={{ sessionId: previous.id }}
          className={linkClass}
          title="Previous session ([)"
        >
          <ChevronLeftIcon className="size-4" aria-hidden />
          Previous<span className="sr-only"> session: {previous.title}</span>
        </Link>
      ) : null}
      {next ? (
        <Link to="/sessions/$sessionId" params={{ sessionId: next.id }} className={linkClass} title="Next session (])">
          Next<span className="sr-only"> session: {next.title}</span>
          <ChevronRightIcon className="size-4" aria-hidden />
        </Link>
      ) : null}
    </nav>
  )
}

function isTyping(target: EventTarget | null) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  )
}

/** A share link's visitor: the link's own events collection, and no owner actions. */
export interface TimelineVisitor {
  events: TimelineEventsCollection
}

/**
 * The toolbar, the list and the selected event's detail of a session the page already has. Works on
 * whichever route shows it (`/sessions/<id>`, `/share/<token>`): navigation stays on the current
 * address and only changes its search params and hash.
 */
export function SessionTimeline({
  session,
  search,
  markerFor,
  visitor,
}: {
  session: Session
  search: TimelineSearch
  markerFor?: MarkerFor
  visitor?: TimelineVisitor
}) {
  const navigate = useNavigate()
  const hash = useRouterState({ select: (state) => state.location.hash })
  const selectedOrdinal = ordinalFromHash(hash)
  const selected = useTimelineEvent(session.id, selectedOrdinal, visitor?.events)
  const view = viewOf(search)
  const viewKey = JSON.stringify(view)
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the view's content
  const conditions = useMemo(() => timelineConditions(view), [viewKey])
  // A visitor has no search: without text the hook never asks the server.
  const findText = visitor ? undefined : search.q
  const matches = useTimelineMatches(session.id, view, search.order, findText, session.eventCount)

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

  const matchOrdinals = matches.status === 'ready' ? matches.ordinals : []
  const currentMatch = selectedOrdinal === null ? -1 : matchOrdinals.indexOf(selectedOrdinal)
  const stepMatch = (step: 1 | -1) => {
    if (matchOrdinals.length === 0) return
    const position = (ordinal: number) => (search.order === 'newest' ? -ordinal : ordinal)
    const here = selectedOrdinal === null ? null : position(selectedOrdinal)
    const target =
      step === 1
        ? (matchOrdinals.find((ordinal) => here === null || position(ordinal) > here) ?? matchOrdinals[0])
        : (matchOrdinals.findLast((ordinal) => here === null || position(ordinal) < here) ?? matchOrdinals.at(-1))
    if (target !== undefined) select(target)
  }

  const wide = useWideScreen()
  const detail = selected.event ? (
    <EventDetail event={selected.event} onClose={() => select(null)} readOnly={visitor !== undefined} />
  ) : selectedOrdinal !== null && selected.isReady ? (
    <EmptyState icon={SearchXIcon} title={`No event #${selectedOrdinal + 1}`}>
      <p>This session has no event with that number.</p>
    </EmptyState>
  ) : null

  // Escape closes the detail (the drawer closes itself on small screens).
  useEffect(() => {
    if (!wide || selectedOrdinal === null) return
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || isTyping(event.target)) return
      select(null)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [wide, selectedOrdinal, select])

  return (
    <div className="grid min-w-0 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]">
      <div className="flex min-w-0 flex-col">
        <TimelineToolbar search={search} find={visitor ? null : { matches, currentMatch, onStep: stepMatch }} />
        <EventList
          // A new view starts a new list: its pages, anchor and scroll position belong to the old one.
          key={`${viewKey}|${search.order}`}
          session={session}
          search={search}
          conditions={conditions}
          selectedOrdinal={selectedOrdinal}
          selectedEvent={selected.event}
          matchOrdinals={matchOrdinals}
          onSelect={select}
          markerFor={markerFor}
          visitor={visitor}
        />
      </div>
      {wide ? (
        <div className="min-w-0">
          {detail ? (
            <div className="lg:sticky lg:top-4">{detail}</div>
          ) : (
            <p className="rounded-xl border border-dashed p-4 text-muted-foreground text-sm">
              Select an event to see its details.
            </p>
          )}
        </div>
      ) : (
        <DialogPrimitive.Root
          open={selectedOrdinal !== null && detail !== null}
          onOpenChange={(open) => !open && select(null)}
        >
          <ModalContent
            slot="event-drawer"
            closeLabel="Close the event detail"
            aria-describedby={undefined}
            surfaceClassName="fixed inset-x-0 bottom-0 z-50 max-h-[85vh] overflow-y-auto rounded-t-xl border-t bg-background p-2 pt-10 shadow-lg outline-none data-[state=open]:animate-fade-in"
          >
            {selected.event ? (
              <EventDetail
                event={selected.event}
                readOnly={visitor !== undefined}
                renderTitle={(title) => <DialogPrimitive.Title asChild>{title}</DialogPrimitive.Title>}
              />
            ) : (
              <>
                <DialogPrimitive.Title className="sr-only">Event #{(selectedOrdinal ?? 0) + 1}</DialogPrimitive.Title>
                {detail}
              </>
            )}
          </ModalContent>
        </DialogPrimitive.Root>
      )}
    </div>
  )
}

function EventList({
  session,
  search,
  conditions,
  selectedOrdinal,
  selectedEvent,
  matchOrdinals,
  onSelect,
  markerFor,
  visitor,
}: {
  session: Session
  search: TimelineSearch
  conditions: TimelineConditions
  selectedOrdinal: number | null
  selectedEvent: TimelineEventRow | null
  matchOrdinals: number[]
  onSelect: (ordinal: number | null) => void
  markerFor?: MarkerFor
  visitor?: TimelineVisitor
}) {
  // The event the list starts from after a jump (a `#N` link, a search match); null: the start.
  const [anchor, setAnchor] = useState<number | null>(selectedOrdinal)
  // After a jump the selected row comes to the middle of the list; after j/k just into view.
  const centerSelection = useRef(selectedOrdinal !== null)
  const events = useTimelineEvents(session.id, conditions, search.order, anchor, visitor?.events)
  const rows = events.rows
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
  const firstIndex = items[0]?.index ?? 0
  const lastIndex = items.at(-1)?.index ?? -1

  const indexOfOrdinal = useMemo(() => new Map(rows.map((row, index) => [row.ordinal, index])), [rows])
  const selectedIndex = selectedOrdinal === null ? -1 : (indexOfOrdinal.get(selectedOrdinal) ?? -1)
  const selectedInView = selectedEvent !== null && matchesConditions(selectedEvent, conditions)

  // A selected event that the list has not loaded (a link, a search match, back/forward): load the
  // list around it instead of paging through everything before it. `placed` is the selection the
  // list was last placed for, so going back to the start does not jump to the selection again.
  const placed = useRef(selectedOrdinal)
  useEffect(() => {
    if (selectedOrdinal === null || selectedOrdinal === placed.current || !events.isReady) return
    if (selectedIndex !== -1) placed.current = selectedOrdinal
    else if (selectedInView) {
      placed.current = selectedOrdinal
      centerSelection.current = true
      setAnchor(selectedOrdinal)
    }
  }, [events.isReady, selectedOrdinal, selectedIndex, selectedInView])

  // Keep loading pages before the reader reaches either end of what is loaded.
  const { hasLater, isFetchingLater, fetchLater, hasEarlier, isFetchingEarlier, fetchEarlier } = events
  useEffect(() => {
    if (hasLater && !isFetchingLater && lastIndex >= rows.length - PAGE_AHEAD_ROWS) void fetchLater()
  }, [hasLater, isFetchingLater, fetchLater, lastIndex, rows.length])
  useEffect(() => {
    if (hasEarlier && !isFetchingEarlier && rows.length > 0 && firstIndex <= PAGE_AHEAD_ROWS) void fetchEarlier()
  }, [hasEarlier, isFetchingEarlier, fetchEarlier, firstIndex, rows.length])

  // New events of a live session join the end (oldest first) or the start (newest first, when the
  // list is not anchored further in).
  const newestFirst = search.order === 'newest'
  const { newEvents, showNewEvents, onScroll } = useReaderPosition(
    scrollRef,
    rows,
    EVENT_ROW_HEIGHT,
    newestFirst ? 'start' : 'end',
    newestFirst ? anchor === null : !hasLater,
  )

  // Bring the selected row into view (no jump when it is visible already), and focus it after a key
  // press: once per selection, so rows that arrive later never pull a reader who scrolled away back.
  const scrolledTo = useRef<number | null>(null)
  useEffect(() => {
    if (selectedOrdinal === null) scrolledTo.current = null
    if (selectedIndex === -1 || selectedOrdinal === scrolledTo.current) return
    scrolledTo.current = selectedOrdinal
    virtualizer.scrollToIndex(selectedIndex, { align: centerSelection.current ? 'center' : 'auto' })
    centerSelection.current = false
    if (!focusAfterScroll.current) return
    focusAfterScroll.current = false
    const ordinal = rows[selectedIndex]?.ordinal
    requestAnimationFrame(() => {
      scrollRef.current?.querySelector<HTMLElement>(`[data-ordinal="${ordinal}"]`)?.focus()
    })
  }, [selectedIndex, selectedOrdinal, virtualizer, rows])

  const move = useCallback(
    (step: 1 | -1) => {
      if (rows.length === 0) return
      const from = selectedIndex === -1 ? (step === 1 ? -1 : rows.length) : selectedIndex
      const next = rows[Math.min(rows.length - 1, Math.max(0, from + step))]
      if (!next) return
      focusAfterScroll.current = true
      onSelect(next.ordinal)
    },
    [rows, selectedIndex, onSelect],
  )

  // j/k work anywhere on the page (not while typing); the arrow keys inside the list.
  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return
      if (document.querySelector('[role="dialog"]')) return
      const step = event.key === 'j' ? 1 : event.key === 'k' ? -1 : 0
      if (step === 0) return
      event.preventDefault()
      move(step)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [move])
  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
    if (step === 0) return
    event.preventDefault()
    move(step)
  }

  const matchSet = useMemo(() => new Set(matchOrdinals), [matchOrdinals])
  // The list never gets shorter while it is open: when a refetch shrinks it for a moment, the
  // browser would otherwise clamp the scroll position and the reader would lose their place.
  const tallest = useRef(0)
  tallest.current = Math.max(tallest.current, virtualizer.getTotalSize())
  const listHeight = tallest.current
  const narrowed = Object.values(conditions).some((value) => value !== null)

  // Once rows have been shown the list stays mounted, even while a refetch empties it for a moment:
  // a remounted list would lose the reader's scroll position.
  const shownRows = useRef(false)
  if (rows.length > 0) shownRows.current = true
  if (!shownRows.current && !events.isReady) return <Skeleton className="h-[60vh] w-full rounded-xl" />
  if (!shownRows.current && rows.length === 0)
    return (
      <EmptyState icon={ListXIcon} title={narrowed ? 'No events match this filter' : 'No events yet'}>
        <p>
          {narrowed
            ? 'Choose another filter or range to see the rest of the session.'
            : session.status === 'live'
              ? 'This session is being read; its events appear here as they are stored.'
              : 'No event could be read from this session.'}
        </p>
      </EmptyState>
    )

  return (
    <>
      {anchor !== null ? (
        <p className="mb-2 flex flex-wrap items-center gap-2 text-muted-foreground text-xs">
          Showing the events around #{anchor + 1}
          {hasEarlier ? '; earlier ones load as you scroll up.' : '.'}
          <Button size="sm" variant="link" className="h-auto p-0 text-xs" onClick={() => setAnchor(null)}>
            Go to the {search.order === 'newest' ? 'newest' : 'first'} event
          </Button>
        </p>
      ) : null}
      <p className="sr-only" id="timeline-keys">
        Use j and k or the arrow keys to move between events, Enter to show one, Escape to close it
        {visitor ? '.' : '; [ and ] open the previous and next session.'}
      </p>
      <div className="relative">
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the keys move between the row buttons inside */}
        <div
          ref={scrollRef}
          onKeyDown={onListKeyDown}
          onScroll={onScroll}
          className="h-[60vh] min-h-80 overflow-auto rounded-xl border bg-card shadow-xs"
          data-testid="timeline-scroll"
        >
          <ul
            aria-label="Events"
            aria-describedby="timeline-keys"
            className="relative w-full"
            style={{ height: listHeight }}
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
                  <EventRow
                    event={row}
                    selected={row.ordinal === selectedOrdinal}
                    onSelect={onSelect}
                    query={visitor ? undefined : search.q}
                    isMatch={matchSet.has(row.ordinal)}
                    marker={markerFor?.(row.ordinal)}
                  />
                </li>
              )
            })}
          </ul>
        </div>
        {newEvents > 0 ? (
          <Button
            size="sm"
            className={cn('-translate-x-1/2 absolute left-1/2 shadow-md', newestFirst ? 'top-3' : 'bottom-3')}
            onClick={showNewEvents}
          >
            {newestFirst ? <ArrowUpIcon aria-hidden /> : <ArrowDownIcon aria-hidden />}
            {newEvents.toLocaleString('en-US')} new event{newEvents === 1 ? '' : 's'}
          </Button>
        ) : null}
      </div>
      <p className="mt-2 text-muted-foreground text-xs" aria-live="polite" data-testid="timeline-count">
        {rows.length.toLocaleString('en-US')} event{rows.length === 1 ? '' : 's'} loaded
        {hasLater || hasEarlier ? ', more load as you scroll' : ''}
      </p>
    </>
  )
}
