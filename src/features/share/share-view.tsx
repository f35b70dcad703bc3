/**
 * What a share link's visitor sees: the session's header and timeline, live, read-only (no add to
 * coach, no rename or delete, no stats or export), plus the coach threads, rules findings and
 * uploads when the owner included them. When the link is revoked or expires, the shape requests
 * are refused (410) and the page says so instead of showing rows that no longer update.
 */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { useVirtualizer } from '@tanstack/react-virtual'
import { EyeIcon, LinkIcon, ListXIcon } from 'lucide-react'
import { type KeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { TimelineEventRow } from '~/collections/session-collections'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Badge } from '~/components/ui/badge'
import { Skeleton } from '~/components/ui/skeleton'
import type { Session } from '~/db/schema'
import { timelineConditions } from '~/domain/timeline/timeline-view'
import { EventDetail } from '~/features/timeline/event-detail'
import { EVENT_ROW_HEIGHT, EventRow } from '~/features/timeline/event-row'
import { SessionHeader } from '~/features/timeline/session-header'
import { useTimelineEvent, useTimelineEvents } from '~/features/timeline/use-timeline-events'
import type { OpenedShareLink } from '~/server/functions/share-links'
import { shareCollection, shareFailureId, shareTimelineCollection } from './share-collections'
import { ShareExtras } from './share-extras'

const NO_CONDITIONS = timelineConditions({ filter: 'all' })

type ValidLink = Extract<OpenedShareLink, { state: 'valid' }>

export function ShareEnded({ message, state }: { message: string; state: string }) {
  const title =
    state === 'revoked'
      ? 'This link was revoked'
      : state === 'expired'
        ? 'This link has expired'
        : 'This link does not work'
  return (
    <EmptyState icon={LinkIcon} title={title} titleLevel={1} tone="destructive" className="mt-8">
      <p data-testid="share-ended" data-state={state}>
        {message}
      </p>
    </EmptyState>
  )
}

/** A refusal of any of the page's shapes that means the link itself ended. */
function useEndedLink(sessionId: string) {
  const timeline = useSyncFailure(shareFailureId('timeline_events', sessionId))
  const session = useSyncFailure(shareFailureId('session', sessionId))
  const failure = [timeline, session].find((f) => f?.status === 410 || f?.status === 404)
  if (!failure) return null
  const state = failure.status === 404 ? 'unknown' : /expired/i.test(failure.message) ? 'expired' : 'revoked'
  return { state, message: failure.message }
}

export function ShareView({ token, link }: { token: string; link: ValidLink }) {
  const sessions = shareCollection('session', token, link.sessionId)
  const sessionQuery = useLiveQuery(
    (q) => q.from({ session: sessions }).where(({ session }) => eq(session.id, link.sessionId)),
    [link.sessionId],
  )
  const session = (sessionQuery.data?.[0] ?? null) as Session | null
  const ended = useEndedLink(link.sessionId)

  if (ended) return <ShareEnded state={ended.state} message={ended.message} />
  return (
    <div className="flex flex-col gap-4">
      <p className="flex flex-wrap items-center gap-2 text-muted-foreground text-sm">
        <Badge variant="secondary">
          <EyeIcon aria-hidden />
          Shared read-only
        </Badge>
        {link.expiresAt ? (
          <span>
            This link expires on <time dateTime={link.expiresAt}>{new Date(link.expiresAt).toUTCString()}</time>.
          </span>
        ) : null}
      </p>
      {session ? <SessionHeader session={session} readOnly /> : <Skeleton className="h-24 w-full" />}
      <ShareTimeline token={token} sessionId={link.sessionId} live={session?.status === 'live'} />
      <ShareExtras token={token} sessionId={link.sessionId} include={link.include} />
    </div>
  )
}

function ShareTimeline({ token, sessionId, live }: { token: string; sessionId: string; live: boolean }) {
  const collection = shareTimelineCollection(token, sessionId)
  const events = useTimelineEvents(sessionId, NO_CONDITIONS, 'oldest', null, collection)
  const [selected, setSelected] = useState<number | null>(null)
  const detail = useTimelineEvent(sessionId, selected, collection)
  const rows = events.rows
  const scrollRef = useRef<HTMLDivElement>(null)
  const atEnd = useRef(true)

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => EVENT_ROW_HEIGHT,
    overscan: 12,
    getItemKey: (index) => rows[index]?.ordinal ?? index,
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.at(-1)?.index ?? -1
  const { hasLater, isFetchingLater, fetchLater } = events
  useEffect(() => {
    if (hasLater && !isFetchingLater && lastIndex >= rows.length - 40) void fetchLater()
  }, [hasLater, isFetchingLater, fetchLater, lastIndex, rows.length])

  // A reader at the end of a growing session stays at the end as events arrive.
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (element && atEnd.current && rows.length > 0) element.scrollTop = element.scrollHeight
  }, [rows.length])
  const onScroll = () => {
    const element = scrollRef.current
    if (element) atEnd.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 2
  }

  const move = (step: 1 | -1) => {
    if (rows.length === 0) return
    const index = selected === null ? -1 : rows.findIndex((row) => row.ordinal === selected)
    const next =
      rows[Math.min(rows.length - 1, Math.max(0, (index === -1 ? (step === 1 ? -1 : rows.length) : index) + step))]
    if (!next) return
    setSelected(next.ordinal)
    virtualizer.scrollToIndex(rows.indexOf(next))
    requestAnimationFrame(() =>
      scrollRef.current?.querySelector<HTMLElement>(`[data-ordinal="${next.ordinal}"]`)?.focus(),
    )
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
    if (step === 0) return
    event.preventDefault()
    move(step)
  }

  if (!events.isReady && rows.length === 0) return <Skeleton className="h-[50vh] w-full rounded-xl" />
  if (rows.length === 0)
    return (
      <EmptyState icon={ListXIcon} title="No events yet">
        <p>
          {live ? 'This session is running; its events appear here as they are stored.' : 'This session has no events.'}
        </p>
      </EmptyState>
    )
  return (
    <section
      aria-labelledby="share-events-heading"
      className="grid min-w-0 gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,26rem)]"
    >
      <div className="flex min-w-0 flex-col">
        <h2 id="share-events-heading" className="sr-only">
          Events
        </h2>
        <p className="sr-only" id="share-timeline-keys">
          Use the arrow keys to move between events; the selected event's details follow the list.
        </p>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: the arrow keys move between the row buttons inside */}
        <div
          ref={scrollRef}
          onScroll={onScroll}
          onKeyDown={onKeyDown}
          className="h-[60vh] min-h-72 overflow-auto rounded-xl border bg-card shadow-xs"
          data-testid="timeline-scroll"
        >
          <ul
            aria-label="Events"
            aria-describedby="share-timeline-keys"
            className="relative w-full"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {items.map((item) => {
              const row = rows[item.index] as TimelineEventRow | undefined
              if (!row) return null
              return (
                <li
                  key={item.key}
                  className="absolute top-0 left-0 w-full"
                  style={{ height: item.size, transform: `translateY(${item.start}px)` }}
                >
                  <EventRow event={row} selected={row.ordinal === selected} onSelect={setSelected} />
                </li>
              )
            })}
          </ul>
        </div>
        <p className="mt-2 text-muted-foreground text-xs" aria-live="polite" data-testid="timeline-count">
          {rows.length.toLocaleString('en-US')} event{rows.length === 1 ? '' : 's'} loaded
          {hasLater ? ', more load as you scroll' : ''}
        </p>
      </div>
      <div className="min-w-0">
        {detail.event ? (
          <div className="lg:sticky lg:top-4">
            <EventDetail event={detail.event} onClose={() => setSelected(null)} readOnly />
          </div>
        ) : (
          <p className="rounded-xl border border-dashed p-4 text-muted-foreground text-sm">
            Select an event to see its details.
          </p>
        )}
      </div>
    </section>
  )
}
