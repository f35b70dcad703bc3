/**
 * The /stats page: activity across every session of the account, read from Postgres and read
 * again (throttled) whenever the live sessions collection shows a session was added or grew.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { Link } from '@tanstack/react-router'
import {
  ActivityIcon,
  BarChart3Icon,
  CalendarDaysIcon,
  CoinsIcon,
  FolderGit2Icon,
  RadioIcon,
  ScrollTextIcon,
} from 'lucide-react'
import { useMemo } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Button } from '~/components/ui/button'
import { formatCount } from '~/lib/format'
import { getAccountStats } from '~/server/functions/stats'
import type { AccountStats } from '~/server/repositories/stats-repository'
import { BreakdownChart, VelocityChart, WeeklyUsageChart } from './account-charts'
import { ActivityHeatmap } from './activity-heatmap'
import { ChartCard, DataTable } from './chart-card'
import { accountSignature } from './live-signature'
import { StatTiles } from './stat-tiles'
import { formatCompact, formatDay } from './stats-format'
import { StatsFailure, StatsSkeleton, StatsStatus } from './stats-states'
import { useLiveStats } from './use-live-stats'

function browserTimeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

export function AccountStatsView() {
  const timeZone = useMemo(browserTimeZone, [])
  const sessionsQuery = useLiveQuery((q) => q.from({ session: sessionsCollection }))
  const syncFailure = useSyncFailure('sessions')
  const signature = accountSignature(sessionsQuery.data ?? [])
  const stats = useLiveStats(() => getAccountStats({ data: { timeZone } }), timeZone, signature)

  if (!stats.data) {
    if (stats.error) return <StatsFailure message={stats.error.message} onRetry={stats.reload} />
    return <StatsSkeleton />
  }
  if (stats.data.summary.sessions === 0) return <NoSessionsYet />
  return (
    <div className="flex flex-col gap-4">
      <StatsStatus
        loading={stats.loading}
        loadedAt={stats.loadedAt}
        error={
          stats.error?.message ??
          (syncFailure ? 'Live updates are paused: the session list is not syncing.' : undefined)
        }
        onReload={stats.reload}
      />
      <AccountStatsContent stats={stats.data} />
    </div>
  )
}

function NoSessionsYet() {
  return (
    <EmptyState icon={BarChart3Icon} title="No sessions yet">
      <p>
        Stats are drawn from the sessions you upload or that the server discovers. Upload a Codex, Claude Code or Gemini
        CLI log to see your activity here.
      </p>
      <Button asChild className="mt-3">
        <Link to="/sessions">
          <ScrollTextIcon aria-hidden />
          Upload a session
        </Link>
      </Button>
    </EmptyState>
  )
}

function AccountStatsContent({ stats }: { stats: AccountStats }) {
  const { summary, days } = stats
  const activeDays = days.filter((day) => day.events > 0)
  const windowEvents = activeDays.reduce((sum, day) => sum + day.events, 0)
  const busiest = activeDays.reduce<(typeof days)[number] | undefined>(
    (best, day) => (day.events > (best?.events ?? 0) ? day : best),
    undefined,
  )
  const heatmapSummary =
    activeDays.length === 0
      ? `Calendar of daily activity from ${formatDay(stats.firstDay)} to ${formatDay(stats.lastDay)}: no events in this period.`
      : `Calendar of daily activity from ${formatDay(stats.firstDay)} to ${formatDay(stats.lastDay)}: ${formatCount(windowEvents)} events on ${activeDays.length} active days; the busiest day was ${formatDay(busiest?.day ?? '')} with ${formatCount(busiest?.events ?? 0)} events.`

  return (
    <>
      <StatTiles
        tiles={[
          { label: 'Sessions', value: formatCount(summary.sessions), icon: ScrollTextIcon, testId: 'stat-sessions' },
          { label: 'Events', value: formatCount(summary.events), icon: ActivityIcon, testId: 'stat-events' },
          {
            label: 'Tokens',
            value: formatCompact(summary.tokens),
            detail: `${formatCount(summary.tokens)} in + out`,
            icon: CoinsIcon,
            testId: 'stat-tokens',
          },
          { label: 'Repositories', value: formatCount(summary.repositories), icon: FolderGit2Icon },
          {
            label: 'Active days',
            value: formatCount(activeDays.length),
            detail: 'in the past year',
            icon: CalendarDaysIcon,
            testId: 'stat-active-days',
          },
          { label: 'Live now', value: formatCount(summary.liveSessions), icon: RadioIcon },
        ]}
      />
      <ChartCard
        title="Activity"
        description={`Events per day in your time zone (${stats.timeZone}).`}
        summary={heatmapSummary}
        testId="activity"
        wrapInImage={false}
        table={
          <DataTable
            caption="Active days"
            columns={[
              { label: 'Day' },
              { label: 'Events', numeric: true },
              { label: 'Tool calls', numeric: true },
              { label: 'Sessions', numeric: true },
              { label: 'Tokens', numeric: true },
            ]}
            rows={[...activeDays]
              .reverse()
              .map((day) => [
                formatDay(day.day),
                formatCount(day.events),
                formatCount(day.toolCalls),
                formatCount(day.sessions),
                formatCount(day.tokens),
              ])}
            empty="No events in the last 53 weeks."
          />
        }
      >
        <ActivityHeatmap days={days} summary={heatmapSummary} />
      </ChartCard>
      <div className="grid items-start gap-4 lg:grid-cols-2">
        <WeeklyUsageChart weeks={stats.weeks} />
        <VelocityChart weeks={stats.weeks} />
        <BreakdownChart kind="repository" rows={stats.repositories} />
        <BreakdownChart kind="agent" rows={stats.agents} />
      </div>
    </>
  )
}
