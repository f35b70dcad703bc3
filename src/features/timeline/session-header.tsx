/** The top of a session's timeline: what the session is, where it ran, and how big it is. */
import { Link } from '@tanstack/react-router'
import { BarChart3Icon, GitBranchIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from '~/components/ui/button'
import type { Session } from '~/db/schema'
import { ExportButton } from '~/features/export/export-dialog'
import { formatInstant, SessionBadges } from '~/features/sessions/session-list'
import { ShareButton } from '~/features/share/share-dialog'
import { formatCount } from '~/lib/format'

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="break-words text-sm">{children}</dd>
    </div>
  )
}

function Instant({ value }: { value: Date | null }) {
  return value ? <time dateTime={value.toISOString()}>{formatInstant(value)} UTC</time> : <span>—</span>
}

/**
 * `actions` sits at the top right (wrapping below the title on small screens); other features put
 * their session-level buttons there (export, stats) next to the session navigation.
 */
export function SessionHeader({
  session,
  actions,
  readOnly = false,
  shareable = true,
}: {
  session: Session
  actions?: ReactNode
  /** Only the owner shares a session; a member sees it without the Share button. */
  shareable?: boolean
  /** A share link's visitor: no stats or export (they need an account). */
  readOnly?: boolean
}) {
  const tokens = session.inputTokens + session.outputTokens
  return (
    <header className="mb-4 flex flex-col gap-3" data-testid="session-header">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <h1 className="min-w-0 max-w-full break-words font-semibold text-2xl tracking-tight">{session.title}</h1>
          <SessionBadges session={session} />
        </div>
        <div className="flex flex-wrap items-center gap-2" data-testid="session-actions">
          {actions}
          {readOnly ? null : (
            <>
              <Button asChild variant="outline" size="sm">
                <Link to="/sessions/$sessionId/stats" params={{ sessionId: session.id }}>
                  <BarChart3Icon aria-hidden />
                  Stats
                </Link>
              </Button>
              <ExportButton sessionId={session.id} eventCount={session.eventCount} />
              {shareable ? <ShareButton sessionId={session.id} title={session.title} /> : null}
            </>
          )}
        </div>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 sm:grid-cols-3">
        <Fact label="Repository">
          {session.repoName ? (
            <span className="inline-flex items-center gap-1">
              <GitBranchIcon className="size-3" aria-hidden />
              {session.repoName}
              {session.branch ? ` · ${session.branch}` : ''}
            </span>
          ) : (
            '—'
          )}
        </Fact>
        <Fact label="Model">{session.model ?? '—'}</Fact>
        <Fact label="Started">
          <Instant value={session.startedAt} />
        </Fact>
        <Fact label={session.status === 'live' ? 'Last event' : 'Ended'}>
          <Instant value={session.lastEventAt} />
        </Fact>
        <Fact label="Events">
          {formatCount(session.eventCount)}
          {session.errorLineCount > 0 ? `, ${formatCount(session.errorLineCount)} unreadable` : ''}
        </Fact>
        <Fact label="Tokens">
          <span
            title={`${formatCount(session.inputTokens)} in (${formatCount(session.cachedInputTokens)} cached), ${formatCount(session.outputTokens)} out, ${formatCount(session.reasoningTokens)} reasoning`}
          >
            {formatCount(tokens)} ({formatCount(session.inputTokens)} in / {formatCount(session.outputTokens)} out)
          </span>
        </Fact>
      </dl>
      {session.statusMessage ? <p className="text-muted-foreground text-xs">{session.statusMessage}</p> : null}
    </header>
  )
}
