/** The account's sessions, newest activity first, straight from the sessions collection (live). */
import { Link } from '@tanstack/react-router'
import { DownloadIcon, GitBranchIcon, RadioIcon } from 'lucide-react'
import { Badge } from '~/components/ui/badge'
import type { Session } from '~/db/schema'
import type { SessionStatus } from '~/domain/sessions/session-kinds'
import { formatCount } from '~/lib/format'

export const AGENT_LABELS: Record<Session['origin'], string> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'claude-code': 'Claude Code',
  unknown: 'Unknown agent',
}

export const STATUS_BADGES: Record<
  SessionStatus,
  { label: string; variant: 'success' | 'secondary' | 'destructive' | 'warning' }
> = {
  live: { label: 'Live', variant: 'success' },
  complete: { label: 'Complete', variant: 'secondary' },
  failed: { label: 'Failed', variant: 'destructive' },
  interrupted: { label: 'Interrupted', variant: 'warning' },
}

export function formatInstant(value: Date | null) {
  return value ? value.toISOString().slice(0, 16).replace('T', ' ') : null
}

function formatSize(bytes: number) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  return `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/** The agent and status badges a session shows wherever it is named (list row, timeline header). */
export function SessionBadges({ session }: { session: Session }) {
  const status = STATUS_BADGES[session.status]
  return (
    <>
      <Badge variant="outline">{AGENT_LABELS[session.origin]}</Badge>
      <Badge variant={status.variant} title={session.statusMessage ?? undefined}>
        {session.status === 'live' ? <RadioIcon aria-hidden /> : null}
        {status.label}
      </Badge>
    </>
  )
}

export function sortSessions(sessions: readonly Session[]) {
  const time = (session: Session) => (session.lastEventAt ?? session.createdAt).getTime()
  return [...sessions].sort((a, b) => time(b) - time(a) || a.id.localeCompare(b.id))
}

export function SessionList({ sessions }: { sessions: readonly Session[] }) {
  return (
    <ul aria-label="Sessions" className="divide-y rounded-xl border bg-card shadow-xs">
      {sessions.map((session) => (
        <SessionRow key={session.id} session={session} />
      ))}
    </ul>
  )
}

function SessionRow({ session }: { session: Session }) {
  const when = formatInstant(session.lastEventAt ?? session.startedAt)
  return (
    <li className="flex flex-col gap-1.5 px-4 py-3" data-testid="session-row" data-session-id={session.id}>
      <div className="flex flex-wrap items-center gap-2">
        <Link
          to="/sessions/$sessionId"
          params={{ sessionId: session.id }}
          className="min-w-0 flex-1 truncate rounded-sm font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-ring"
          title={session.title}
        >
          {session.title}
        </Link>
        <SessionBadges session={session} />
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-muted-foreground text-xs">
        {session.repoName ? (
          <span className="inline-flex items-center gap-1">
            <GitBranchIcon className="size-3" aria-hidden />
            {session.repoName}
            {session.branch ? ` · ${session.branch}` : ''}
          </span>
        ) : null}
        {session.originalName ? <span className="truncate">{session.originalName}</span> : null}
        <span>
          {formatCount(session.eventCount)} event{session.eventCount === 1 ? '' : 's'}
        </span>
        {session.errorLineCount > 0 ? (
          <span className="font-medium text-foreground">
            {formatCount(session.errorLineCount)} unreadable line{session.errorLineCount === 1 ? '' : 's'}
          </span>
        ) : null}
        {session.sizeBytes > 0 ? <span>{formatSize(session.sizeBytes)}</span> : null}
        {when ? <time dateTime={(session.lastEventAt ?? session.startedAt)?.toISOString()}>{when} UTC</time> : null}
        {session.source !== 'legacy' ? (
          <a
            className="inline-flex items-center gap-1 underline-offset-2 hover:underline"
            href={`/api/sessions/${session.id}/raw`}
            download
          >
            <DownloadIcon className="size-3" aria-hidden />
            Raw log<span className="sr-only"> of {session.title}</span>
          </a>
        ) : null}
      </div>
      {session.statusMessage ? <p className="text-muted-foreground text-xs">{session.statusMessage}</p> : null}
    </li>
  )
}
