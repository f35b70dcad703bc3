/**
 * One session's stats (/sessions/$sessionId/stats): read from Postgres, and read again while the
 * session grows (its row in the live sessions collection changes with every ingested batch).
 */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { Link } from '@tanstack/react-router'
import { ActivityIcon, ArrowLeftIcon, CircleXIcon, CoinsIcon, FileDiffIcon, TimerIcon, WrenchIcon } from 'lucide-react'
import { useCallback } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import type { Session } from '~/db/schema'
import { SessionBadges } from '~/features/sessions/session-list'
import { hashOfOrdinal } from '~/features/timeline/timeline-search'
import { SessionNotFound, UUID } from '~/features/timeline/timeline-view'
import { formatCount } from '~/lib/format'
import { getSessionStats } from '~/server/functions/stats'
import type { FailedCall, FileTouch, SessionStats } from '~/server/repositories/stats-repository'
import { DataTable } from './chart-card'
import { sessionSignature } from './live-signature'
import {
  CommandDistributionChart,
  DurationChart,
  EventsOverTimeChart,
  TokensOverTimeChart,
  ToolDistributionChart,
} from './session-charts'
import { StatTiles } from './stat-tiles'
import { formatCompact, formatMs, formatShare } from './stats-format'
import { StatsFailure, StatsSkeleton, StatsStatus } from './stats-states'
import { useLiveStats } from './use-live-stats'

export function SessionStatsView({ sessionId }: { sessionId: string }) {
  if (!UUID.test(sessionId)) return <SessionNotFound />
  return <StatsForSession sessionId={sessionId} />
}

function StatsForSession({ sessionId }: { sessionId: string }) {
  const sessionQuery = useLiveQuery(
    (q) => q.from({ session: sessionsCollection }).where(({ session }) => eq(session.id, sessionId)),
    [sessionId],
  )
  const session = (sessionQuery.data?.[0] ?? null) as Session | null
  const load = useCallback(() => getSessionStats({ data: { sessionId } }), [sessionId])
  const stats = useLiveStats(load, sessionId, sessionSignature(session))

  if (!sessionQuery.isReady) return <StatsSkeleton />
  if (!session) return <SessionNotFound />
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-col gap-2">
        <Link
          to="/sessions/$sessionId"
          params={{ sessionId }}
          className="inline-flex w-fit items-center gap-1 py-1 text-muted-foreground text-sm underline-offset-2 hover:text-foreground hover:underline"
        >
          <ArrowLeftIcon className="size-4" aria-hidden />
          Timeline
        </Link>
        <div className="flex flex-wrap items-center gap-2">
          <h1 className="min-w-0 max-w-full break-words font-semibold text-2xl tracking-tight">
            <span className="text-muted-foreground">Stats · </span>
            {session.title}
          </h1>
          <SessionBadges session={session} />
        </div>
        {session.repoName ? (
          <p className="text-muted-foreground text-sm">
            {session.repoName}
            {session.branch ? ` · ${session.branch}` : ''}
            {session.model ? ` · ${session.model}` : ''}
          </p>
        ) : null}
      </header>
      {stats.data ? (
        <>
          <StatsStatus
            loading={stats.loading}
            loadedAt={stats.loadedAt}
            error={stats.error?.message}
            onReload={stats.reload}
          />
          <SessionStatsContent sessionId={sessionId} session={session} stats={stats.data} />
        </>
      ) : stats.error ? (
        <StatsFailure message={stats.error.message} onRetry={stats.reload} />
      ) : (
        <StatsSkeleton />
      )}
    </div>
  )
}

function SessionStatsContent({
  sessionId,
  session,
  stats,
}: {
  sessionId: string
  session: Session
  stats: SessionStats
}) {
  const { summary } = stats
  const tokens = session.inputTokens + session.outputTokens
  return (
    <>
      <StatTiles
        tiles={[
          {
            label: 'Events',
            value: formatCount(summary.events),
            detail: `${formatCount(summary.messages)} messages`,
            icon: ActivityIcon,
            testId: 'stat-events',
          },
          { label: 'Tool calls', value: formatCount(summary.toolCalls), icon: WrenchIcon, testId: 'stat-tool-calls' },
          {
            label: 'Failures',
            value: formatCount(summary.failures),
            detail: `${formatShare(summary.failures, summary.toolCalls)} of tool calls`,
            icon: CircleXIcon,
            tone: summary.failures > 0 ? 'destructive' : 'default',
            testId: 'stat-failures',
          },
          { label: 'Tool time', value: formatMs(summary.toolMs), icon: TimerIcon },
          {
            label: 'Files touched',
            value: formatCount(summary.filesTouched),
            icon: FileDiffIcon,
            testId: 'stat-files',
          },
          {
            label: 'Tokens',
            value: formatCompact(tokens),
            detail: `${formatCompact(session.inputTokens)} in, ${formatCompact(session.outputTokens)} out`,
            icon: CoinsIcon,
          },
        ]}
      />
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <TokensOverTimeChart points={stats.tokens} />
        <EventsOverTimeChart buckets={stats.activity} />
        <ToolDistributionChart tools={stats.tools} total={summary.toolCalls} />
        <CommandDistributionChart commands={stats.commands} />
        <DurationChart buckets={stats.durations} />
        <FailuresCard sessionId={sessionId} failures={stats.failures} total={summary.failures} />
      </div>
      <FilesCard sessionId={sessionId} files={stats.files} total={summary.filesTouched} />
    </>
  )
}

function EventLink({ sessionId, ordinal }: { sessionId: string; ordinal: number }) {
  return (
    <Link
      to="/sessions/$sessionId"
      params={{ sessionId }}
      hash={hashOfOrdinal(ordinal)}
      className="font-mono text-primary underline-offset-2 hover:underline"
      aria-label={`Event ${ordinal + 1} in the timeline`}
    >
      #{ordinal + 1}
    </Link>
  )
}

function FailuresCard({
  sessionId,
  failures,
  total,
}: {
  sessionId: string
  failures: readonly FailedCall[]
  total: number
}) {
  return (
    <Card className="min-w-0" data-testid="failures">
      <CardHeader>
        <CardTitle className="text-base">Failed tool calls</CardTitle>
        <CardDescription>
          {total === 0
            ? 'Every tool call succeeded (or its log did not say otherwise).'
            : total > failures.length
              ? `The first ${failures.length} of ${formatCount(total)}; open one in the timeline.`
              : 'Non-zero exit codes and results the agent marked as errors; open one in the timeline.'}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <DataTable
          caption="Failed tool calls"
          columns={[
            { label: 'Event' },
            { label: 'What' },
            { label: 'Exit', numeric: true },
            { label: 'Took', numeric: true },
          ]}
          rows={failures.map((failure) => [
            <EventLink key="event" sessionId={sessionId} ordinal={failure.ordinal} />,
            <span key="what" className="flex min-w-0 flex-col">
              <code className="break-all font-mono text-xs">{failure.command ?? failure.tool}</code>
              {failure.command ? <span className="text-muted-foreground text-xs">{failure.tool}</span> : null}
            </span>,
            failure.exitCode ?? '—',
            formatMs(failure.durationMs),
          ])}
          empty="No failed tool calls."
        />
      </CardContent>
    </Card>
  )
}

function FilesCard({ sessionId, files, total }: { sessionId: string; files: readonly FileTouch[]; total: number }) {
  return (
    <Card className="min-w-0" data-testid="files-touched">
      <CardHeader>
        <CardTitle className="text-base">Files touched</CardTitle>
        <CardDescription>
          {total === 0
            ? 'No file was edited or written in this session.'
            : `${formatCount(total)} file${total === 1 ? '' : 's'} edited or written${total > files.length ? `; the ${files.length} changed most often` : ''}.`}
        </CardDescription>
      </CardHeader>
      {files.length > 0 ? (
        <CardContent>
          <DataTable
            caption="Files touched"
            columns={[{ label: 'File' }, { label: 'Changes', numeric: true }, { label: 'Last change', numeric: true }]}
            rows={files.map((file) => [
              <code key="path" className="break-all font-mono text-xs">
                {file.path}
              </code>,
              formatCount(file.changes),
              <EventLink key="last" sessionId={sessionId} ordinal={file.lastOrdinal} />,
            ])}
          />
        </CardContent>
      ) : null}
    </Card>
  )
}
