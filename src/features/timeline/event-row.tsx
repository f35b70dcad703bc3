/**
 * One timeline row: number, kind, role, time, summary, and the command facts when there are any.
 * Other features add their own marks through `marker` (shown after the facts), never by editing
 * the row.
 */
import type { ReactNode } from 'react'
import type { TimelineEventRow } from '~/collections/session-collections'
import { cn } from '~/lib/utils'
import { EVENT_KINDS, formatDuration, formatEventTime } from './event-kind'
import { HighlightMatches } from './highlight-matches'

export const EVENT_ROW_HEIGHT = 64

export function EventRow({
  event,
  selected,
  onSelect,
  query,
  isMatch = false,
  marker,
}: {
  event: TimelineEventRow
  selected: boolean
  onSelect: (ordinal: number) => void
  /** The in-session search text, highlighted in the summary. */
  query?: string
  /** The event is one of the in-session search's matches. */
  isMatch?: boolean
  marker?: ReactNode
}) {
  const kind = EVENT_KINDS[event.type]
  const Icon = kind.icon
  const time = formatEventTime(event.at)
  const detail = event.command ?? event.path
  return (
    <button
      type="button"
      data-testid="event-row"
      data-ordinal={event.ordinal}
      data-type={event.type}
      data-match={isMatch ? 'true' : undefined}
      aria-current={selected ? 'true' : undefined}
      onClick={() => onSelect(event.ordinal)}
      className={cn(
        'flex h-full w-full min-w-0 flex-col justify-center gap-0.5 border-b px-3 text-left hover:bg-accent/60 focus-visible:outline-2 focus-visible:outline-ring focus-visible:-outline-offset-2',
        isMatch && 'border-l-4 border-l-warning',
        selected && 'bg-accent',
      )}
    >
      <span className="flex min-w-0 items-center gap-2 text-xs">
        <span className="w-12 shrink-0 font-mono text-muted-foreground">#{event.ordinal + 1}</span>
        <Icon className="size-3.5 shrink-0" aria-hidden />
        <span className="shrink-0 font-medium">{kind.label}</span>
        {event.role ? <span className="shrink-0 text-muted-foreground">{event.role}</span> : null}
        {event.sidechain ? (
          <span className="shrink-0 rounded-sm border px-1 text-muted-foreground">sub-agent</span>
        ) : null}
        {time ? (
          <time className="shrink-0 text-muted-foreground" dateTime={event.at?.toISOString()}>
            {time}
          </time>
        ) : null}
        {detail ? (
          <span className="hidden min-w-0 truncate font-mono text-muted-foreground sm:inline" title={detail}>
            <HighlightMatches text={detail} query={query} />
          </span>
        ) : null}
        {event.exitCode !== null ? (
          <span
            className={cn('shrink-0 font-mono', event.exitCode === 0 ? 'text-muted-foreground' : 'text-destructive')}
          >
            exit {event.exitCode}
          </span>
        ) : null}
        {event.durationMs !== null ? (
          <span className="shrink-0 text-muted-foreground">{formatDuration(event.durationMs)}</span>
        ) : null}
        {marker}
      </span>
      <span className="block min-w-0 truncate text-sm" title={event.summary || undefined}>
        {event.summary ? <HighlightMatches text={event.summary} query={query} /> : '—'}
      </span>
    </button>
  )
}
