/** One session in the explorer list, and the repo and branch headers between them. */
import { Link } from '@tanstack/react-router'
import { ArchiveIcon, FolderGit2Icon, GitBranchIcon, HistoryIcon, MonitorIcon } from 'lucide-react'
import { Badge } from '~/components/ui/badge'
import type { MatchRange } from '~/domain/text/token-search'
import { AGENT_LABELS, STATUS_BADGES } from '~/features/sessions/session-list'
import { SharedByBadge, useSharedBy } from '~/features/share/shared-sessions'
import { cn } from '~/lib/utils'
import { type ExplorerRow, sessionTime, totalTokens } from './explorer-model'
import { HighlightedText } from './highlighted-text'
import { AddToCoachButton, SessionActionsMenu } from './session-actions'
import { formatBytes, formatDate, formatRelative, plural, pushedFromLabel } from './session-format'

type SessionRowData = Extract<ExplorerRow, { kind: 'session' }>

export function RepoHeader({
  row,
  ranges,
}: {
  row: Extract<ExplorerRow, { kind: 'repo' }>
  ranges?: readonly MatchRange[]
}) {
  return (
    <div className="flex items-end justify-between gap-3 px-1 pt-5 pb-1.5">
      <h2 className="flex min-w-0 items-center gap-2 font-semibold text-sm">
        <FolderGit2Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
        <span className="truncate" title={row.repo || undefined}>
          {row.repo ? <HighlightedText text={row.repo} ranges={ranges} /> : 'No repository'}
        </span>
      </h2>
      <p className="shrink-0 text-muted-foreground text-xs tabular-nums">
        {plural(row.sessionCount, 'session')} · {formatBytes(row.sizeBytes)}
      </p>
    </div>
  )
}

export function BranchHeader({
  row,
  ranges,
}: {
  row: Extract<ExplorerRow, { kind: 'branch' }>
  ranges?: readonly MatchRange[]
}) {
  return (
    <h3 className="flex items-center gap-1.5 px-1 pt-1 pb-1 font-medium font-mono text-muted-foreground text-xs">
      <GitBranchIcon className="size-3.5 shrink-0" aria-hidden />
      <span className="truncate" title={row.branch || undefined}>
        {row.branch ? (
          <HighlightedText text={row.branch} ranges={ranges} />
        ) : (
          <span className="font-sans">No branch</span>
        )}
      </span>
      <span className="font-sans tabular-nums">({row.sessionCount})</span>
    </h3>
  )
}

const SHORT_ID_LENGTH = 8

export function SessionRow({
  row,
  selected,
  now,
  onSelect,
}: {
  row: SessionRowData
  selected: boolean
  now: number
  onSelect: (id: string) => void
}) {
  const { session, title, matches } = row.item
  const time = sessionTime(session)
  const status = STATUS_BADGES[session.status]
  const titleId = `session-title-${session.id}`
  const tokens = totalTokens(session)
  const legacy = session.source === 'legacy'
  // The whole id when the search matched it, so the highlight is visible.
  const shownId = matches.id ? session.id : session.id.slice(0, SHORT_ID_LENGTH)
  const sharedBy = useSharedBy(session)

  return (
    <article
      aria-labelledby={titleId}
      data-testid="explorer-session"
      data-session-id={session.id}
      data-selected={selected || undefined}
      onFocusCapture={() => onSelect(session.id)}
      className={cn(
        'group flex items-start gap-3 rounded-lg border bg-card px-3 py-2.5 shadow-xs transition-colors hover:border-foreground/20',
        selected && 'border-primary/60 ring-2 ring-primary/25',
        session.archivedAt && 'bg-card/60',
      )}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <div className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
          <Link
            id={titleId}
            to="/sessions/$sessionId"
            params={{ sessionId: session.id }}
            data-session-link
            className={cn(
              'min-w-0 max-w-full truncate rounded-sm font-medium text-sm underline-offset-2 outline-none hover:underline focus-visible:ring-2 focus-visible:ring-ring',
              session.archivedAt && 'text-muted-foreground',
            )}
            title={session.title}
          >
            <HighlightedText text={title} ranges={matches.title} />
          </Link>
          {session.status === 'live' ? (
            <Badge variant="success" data-testid="live-badge" title="Events are still arriving">
              <span className="relative flex size-1.5" aria-hidden>
                <span className="absolute inline-flex size-full animate-ping rounded-full bg-success opacity-75 motion-reduce:animate-none" />
                <span className="relative inline-flex size-1.5 rounded-full bg-success" />
              </span>
              Live
            </Badge>
          ) : session.status !== 'complete' ? (
            <Badge variant={status.variant} title={session.statusMessage ?? undefined}>
              {status.label}
            </Badge>
          ) : null}
          {legacy ? (
            <Badge variant="outline" title="Imported from the original product">
              <HistoryIcon aria-hidden />
              Imported
            </Badge>
          ) : null}
          {sharedBy ? <SharedByBadge ownerName={sharedBy.ownerName} /> : null}
          {session.archivedAt ? (
            <Badge variant="secondary">
              <ArchiveIcon aria-hidden />
              Archived
            </Badge>
          ) : null}
        </div>
        <dl className="flex flex-wrap items-center gap-x-3 gap-y-0.5 text-muted-foreground text-xs">
          <div className="flex gap-1">
            <dt className="sr-only">Agent</dt>
            <dd className="font-medium text-foreground/80">{AGENT_LABELS[session.origin]}</dd>
          </div>
          {session.machine ? (
            <div className="flex min-w-0 items-center gap-1" data-testid="session-pushed-from">
              <dt className="sr-only">Pushed from</dt>
              <dd className="flex min-w-0 items-center gap-1">
                <MonitorIcon className="size-3 shrink-0" aria-hidden />
                <span className="truncate">{pushedFromLabel(session)}</span>
              </dd>
            </div>
          ) : null}
          {session.model ? (
            <div className="flex gap-1">
              <dt className="sr-only">Model</dt>
              <dd className="font-mono">
                <HighlightedText text={session.model} ranges={matches.model} />
              </dd>
            </div>
          ) : null}
          <div className="flex gap-1 tabular-nums" data-testid="session-counters">
            <dt className="sr-only">Size</dt>
            <dd>
              {plural(session.eventCount, 'event')}
              {tokens > 0 ? ` · ${plural(tokens, 'token')}` : ''}
              {session.sizeBytes > 0 ? ` · ${formatBytes(session.sizeBytes)}` : ''}
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="sr-only">{legacy && !session.lastEventAt ? 'Imported' : 'Last activity'}</dt>
            <dd>
              <time dateTime={time.toISOString()} title={formatDate(time)}>
                {formatRelative(time, now)}
              </time>
            </dd>
          </div>
          <div className="flex gap-1">
            <dt className="sr-only">Id</dt>
            <dd className="font-mono text-[11px]" title={session.id}>
              <HighlightedText text={shownId} ranges={matches.id} />
            </dd>
          </div>
          {/* Shown when the search found them, so the person sees why this session matched. */}
          {matches.agentId ? (
            <div className="flex gap-1">
              <dt className="font-medium">Agent id</dt>
              <dd className="font-mono text-[11px]">
                <HighlightedText text={session.sourceKey} ranges={matches.agentId} />
              </dd>
            </div>
          ) : null}
          {matches.file && session.originalName ? (
            <div className="flex min-w-0 gap-1">
              <dt className="font-medium">File</dt>
              <dd className="truncate font-mono text-[11px]">
                <HighlightedText text={session.originalName} ranges={matches.file} />
              </dd>
            </div>
          ) : null}
        </dl>
      </div>
      <div className="flex shrink-0 items-center gap-0.5 opacity-100 md:opacity-70 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
        {/* A session shared with this user is theirs to read, not to change or re-share. */}
        {sharedBy ? null : (
          <>
            <AddToCoachButton session={session} title={title} />
            <SessionActionsMenu session={session} title={title} />
          </>
        )}
      </div>
    </article>
  )
}
