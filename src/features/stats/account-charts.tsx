/** The charts of the /stats page: usage and velocity per week, and the repository and agent breakdowns. */

import { useState } from 'react'
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { describeRepositoryBreakdown } from '~/domain/stats/breakdown'
import { AGENT_LABELS } from '~/features/sessions/session-list'
import { formatCount } from '~/lib/format'
import type { ActivityWeek, StatsBreakdownRow } from '~/server/repositories/stats-repository'
import { ChartCard, ChartEmpty, DataTable } from './chart-card'
import {
  AXIS_TICK,
  GRID_STROKE,
  SERIES_COLORS,
  TOOLTIP_CONTENT_STYLE,
  TOOLTIP_CURSOR,
  TOOLTIP_LABEL_STYLE,
} from './chart-theme'
import { MetricSwitch } from './metric-switch'
import { formatCompact, formatDay, formatDecimal, formatShortDay } from './stats-format'

const WEEK_METRICS = [
  { id: 'events', label: 'Events' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'sessionsStarted', label: 'Sessions' },
] as const
type WeekMetric = (typeof WEEK_METRICS)[number]['id']

const METRIC_NOUNS: Record<WeekMetric, string> = {
  events: 'events',
  tokens: 'tokens',
  sessionsStarted: 'sessions started',
}

const weekLabel = (week: string) => `Week of ${formatDay(week)}`

export function WeeklyUsageChart({ weeks }: { weeks: readonly ActivityWeek[] }) {
  const [metric, setMetric] = useState<WeekMetric>('events')
  const total = weeks.reduce((sum, week) => sum + week[metric], 0)
  const busiest = weeks.reduce<ActivityWeek | undefined>(
    (best, week) => (week[metric] > (best?.[metric] ?? 0) ? week : best),
    undefined,
  )
  const summary = busiest
    ? `Bar chart of ${METRIC_NOUNS[metric]} per week over the last ${weeks.length} weeks: ${formatCount(total)} in all; the busiest week, ${weekLabel(busiest.week)}, had ${formatCount(busiest[metric])}.`
    : `Bar chart of ${METRIC_NOUNS[metric]} per week: none in the last ${weeks.length} weeks.`
  return (
    <ChartCard
      title="Usage per week"
      description="Events, tokens and new sessions, Monday to Sunday."
      summary={summary}
      testId="weekly-usage"
      actions={
        <MetricSwitch label="Measure of the weekly chart" metrics={WEEK_METRICS} value={metric} onChange={setMetric} />
      }
      table={
        <DataTable
          caption="Usage per week"
          columns={[
            { label: 'Week of' },
            { label: 'Events', numeric: true },
            { label: 'Tool calls', numeric: true },
            { label: 'Tokens', numeric: true },
            { label: 'Sessions started', numeric: true },
          ]}
          rows={weeks
            .filter((week) => week.events > 0 || week.tokens > 0 || week.sessionsStarted > 0)
            .map((week) => [
              formatDay(week.week),
              formatCount(week.events),
              formatCount(week.toolCalls),
              formatCount(week.tokens),
              formatCount(week.sessionsStarted),
            ])}
          empty="No activity in these weeks."
        />
      }
    >
      <ResponsiveContainer width="100%" height={240}>
        <BarChart
          data={weeks as ActivityWeek[]}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid vertical={false} stroke={GRID_STROKE} />
          <XAxis dataKey="week" tickFormatter={formatShortDay} tick={AXIS_TICK} minTickGap={24} tickLine={false} />
          <YAxis
            tickFormatter={formatCompact}
            tick={AXIS_TICK}
            width={44}
            tickLine={false}
            axisLine={false}
            allowDecimals={false}
          />
          <Tooltip
            cursor={TOOLTIP_CURSOR}
            contentStyle={TOOLTIP_CONTENT_STYLE}
            labelStyle={TOOLTIP_LABEL_STYLE}
            labelFormatter={(week) => weekLabel(String(week))}
            formatter={(value) => [formatCount(Number(value)), METRIC_NOUNS[metric]]}
          />
          <Bar dataKey={metric} fill={SERIES_COLORS.primary} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}

export function VelocityChart({ weeks }: { weeks: readonly ActivityWeek[] }) {
  const active = weeks.filter((week) => week.eventsPerActiveHour !== null)
  const overall =
    active.reduce((sum, week) => sum + week.events, 0) /
    Math.max(
      1,
      active.reduce((sum, week) => sum + week.activeHours, 0),
    )
  const summary =
    active.length === 0
      ? 'Line chart of events per active hour per week: no active weeks yet.'
      : `Line chart of events per active hour per week: ${formatDecimal(overall)} on average over ${active.length} active weeks; the latest active week had ${formatDecimal(active.at(-1)?.eventsPerActiveHour ?? 0)}.`
  return (
    <ChartCard
      title="Velocity"
      description="Events per active hour (an hour with at least one event), per week."
      summary={summary}
      testId="velocity"
      table={
        <DataTable
          caption="Velocity per week"
          columns={[
            { label: 'Week of' },
            { label: 'Events per active hour', numeric: true },
            { label: 'Active hours', numeric: true },
            { label: 'Events', numeric: true },
          ]}
          rows={active.map((week) => [
            formatDay(week.week),
            formatDecimal(week.eventsPerActiveHour ?? 0),
            formatCount(week.activeHours),
            formatCount(week.events),
          ])}
          empty="No active weeks yet."
        />
      }
    >
      {active.length === 0 ? (
        <ChartEmpty height={240}>Velocity appears once a session has events with times.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart
            data={weeks as ActivityWeek[]}
            margin={{ top: 8, right: 14, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid vertical={false} stroke={GRID_STROKE} />
            <XAxis dataKey="week" tickFormatter={formatShortDay} tick={AXIS_TICK} minTickGap={24} tickLine={false} />
            <YAxis tickFormatter={formatCompact} tick={AXIS_TICK} width={44} tickLine={false} axisLine={false} />
            <Tooltip
              contentStyle={TOOLTIP_CONTENT_STYLE}
              labelStyle={TOOLTIP_LABEL_STYLE}
              labelFormatter={(week) => weekLabel(String(week))}
              formatter={(value) => [formatDecimal(Number(value)), 'events per active hour']}
            />
            <Line
              dataKey="eventsPerActiveHour"
              stroke={SERIES_COLORS.secondary}
              strokeWidth={2}
              dot={{ r: 3, fill: SERIES_COLORS.secondary }}
              connectNulls={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  )
}

const BREAKDOWN_METRICS = [
  { id: 'events', label: 'Events' },
  { id: 'tokens', label: 'Tokens' },
  { id: 'sessions', label: 'Sessions' },
] as const
type BreakdownMetric = (typeof BREAKDOWN_METRICS)[number]['id']

const truncate = (text: string, length = 20) => (text.length > length ? `${text.slice(0, length - 1)}…` : text)

export function BreakdownChart({ kind, rows }: { kind: 'repository' | 'agent'; rows: readonly StatsBreakdownRow[] }) {
  const [metric, setMetric] = useState<BreakdownMetric>('events')
  const nameOf = (key: string) =>
    kind === 'agent' ? (AGENT_LABELS[key as keyof typeof AGENT_LABELS] ?? key) : key || 'No repository'
  const data = rows.map((row) => ({ ...row, name: nameOf(row.key) })).sort((a, b) => b[metric] - a[metric])
  const title = kind === 'repository' ? 'By repository' : 'By agent'
  const top = data[0]
  const summary = top
    ? `Bar chart of ${metric} ${title.toLowerCase()}: ${data.map((row) => `${row.name} ${formatCount(row[metric])}`).join(', ')}.`
    : `Bar chart of ${metric} ${title.toLowerCase()}: no sessions yet.`
  return (
    <ChartCard
      title={title}
      description={kind === 'repository' ? describeRepositoryBreakdown(rows.length) : 'Each coding agent, all time.'}
      summary={summary}
      testId={`by-${kind}`}
      actions={
        <MetricSwitch
          label={`Measure of the ${title.toLowerCase()} chart`}
          metrics={BREAKDOWN_METRICS}
          value={metric}
          onChange={setMetric}
        />
      }
      table={
        <DataTable
          caption={title}
          columns={[
            { label: kind === 'repository' ? 'Repository' : 'Agent' },
            { label: 'Sessions', numeric: true },
            { label: 'Events', numeric: true },
            { label: 'Tokens', numeric: true },
          ]}
          rows={data.map((row) => [
            row.name,
            formatCount(row.sessions),
            formatCount(row.events),
            formatCount(row.tokens),
          ])}
          empty="No sessions yet."
        />
      }
    >
      <ResponsiveContainer width="100%" height={Math.max(120, data.length * 34 + 24)}>
        <BarChart
          data={data}
          layout="vertical"
          margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
          accessibilityLayer={false}
        >
          <CartesianGrid horizontal={false} stroke={GRID_STROKE} />
          <XAxis type="number" tickFormatter={formatCompact} tick={AXIS_TICK} tickLine={false} allowDecimals={false} />
          <YAxis
            type="category"
            dataKey="name"
            tick={AXIS_TICK}
            tickFormatter={(name) => truncate(String(name))}
            width={150}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            cursor={TOOLTIP_CURSOR}
            contentStyle={TOOLTIP_CONTENT_STYLE}
            labelStyle={TOOLTIP_LABEL_STYLE}
            formatter={(value) => [formatCount(Number(value)), metric]}
          />
          <Bar
            dataKey={metric}
            fill={kind === 'repository' ? SERIES_COLORS.primary : SERIES_COLORS.secondary}
            radius={[0, 3, 3, 0]}
            barSize={18}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  )
}
