/** The charts of one session's stats: tokens and events over time, tools, commands and durations. */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { formatCount } from '~/lib/format'
import type {
  ActivityBucket,
  CommandUsage,
  DurationBucket,
  TokenPoint,
  ToolUsage,
} from '~/server/repositories/stats-repository'
import { ChartCard, ChartEmpty, DataTable } from './chart-card'
import {
  AXIS_TICK,
  GRID_STROKE,
  LEGEND_STYLE,
  SERIES_COLORS,
  TOOLTIP_CONTENT_STYLE,
  TOOLTIP_CURSOR,
  TOOLTIP_LABEL_STYLE,
} from './chart-theme'
import { formatClock, formatCompact, formatMs, formatShare } from './stats-format'

const dateTime = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})
const formatInstantMs = (ms: number) => dateTime.format(new Date(ms))

const LEGEND_PROPS = { wrapperStyle: LEGEND_STYLE, iconType: 'circle' as const, iconSize: 8 }

export function TokensOverTimeChart({ points }: { points: readonly TokenPoint[] }) {
  const last = points.at(-1)
  const summary = last
    ? `Line chart of the session's running token totals over time, ${points.length} points: it ends at ${formatCount(last.input)} input tokens (${formatCount(last.cached)} cached) and ${formatCount(last.output)} output tokens.`
    : 'No token counts were recorded for this session.'
  return (
    <ChartCard
      title="Tokens over time"
      description="Running totals as the agent reported them: input on the left axis, output on the right."
      summary={summary}
      testId="tokens-over-time"
      table={
        <DataTable
          caption="Running token totals"
          columns={[
            { label: 'Time' },
            { label: 'Event', numeric: true },
            { label: 'Input', numeric: true },
            { label: 'Cached', numeric: true },
            { label: 'Output', numeric: true },
            { label: 'Reasoning', numeric: true },
          ]}
          rows={points.map((point) => [
            formatInstantMs(point.at),
            point.ordinal === null ? 'end' : `#${point.ordinal + 1}`,
            formatCount(point.input),
            formatCount(point.cached),
            formatCount(point.output),
            formatCount(point.reasoning),
          ])}
          empty="No token counts were recorded for this session."
        />
      }
    >
      {points.length === 0 ? (
        <ChartEmpty>This log reports no token counts.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart
            data={points as TokenPoint[]}
            margin={{ top: 8, right: 0, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid vertical={false} stroke={GRID_STROKE} />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={formatClock}
              tick={AXIS_TICK}
              minTickGap={32}
              tickLine={false}
            />
            <YAxis
              yAxisId="input"
              tickFormatter={formatCompact}
              tick={AXIS_TICK}
              width={44}
              tickLine={false}
              axisLine={false}
            />
            <YAxis
              yAxisId="output"
              orientation="right"
              tickFormatter={formatCompact}
              tick={AXIS_TICK}
              width={44}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip
              contentStyle={TOOLTIP_CONTENT_STYLE}
              labelStyle={TOOLTIP_LABEL_STYLE}
              labelFormatter={(at) => formatInstantMs(Number(at))}
              formatter={(value, name) => [formatCount(Number(value)), name]}
            />
            <Legend {...LEGEND_PROPS} />
            <Line
              yAxisId="input"
              dataKey="input"
              name="Input"
              type="stepAfter"
              stroke={SERIES_COLORS.primary}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="output"
              dataKey="output"
              name="Output"
              type="stepAfter"
              stroke={SERIES_COLORS.tertiary}
              strokeWidth={2}
              strokeDasharray="5 3"
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  )
}

export function EventsOverTimeChart({ buckets }: { buckets: readonly ActivityBucket[] }) {
  const total = buckets.reduce((sum, bucket) => sum + bucket.messages + bucket.toolCalls + bucket.other, 0)
  const first = buckets[0]
  const last = buckets.at(-1)
  const summary =
    first && last
      ? `Stacked bar chart of events over the session in ${buckets.length} equal time slices from ${formatInstantMs(first.at)} to ${formatInstantMs(last.at)}: ${formatCount(total)} events.`
      : 'No events with times in this session.'
  return (
    <ChartCard
      title="Events over time"
      description="Messages, tool calls and other events in equal slices of the session."
      summary={summary}
      testId="events-over-time"
      table={
        <DataTable
          caption="Events over time"
          columns={[
            { label: 'From' },
            { label: 'Messages', numeric: true },
            { label: 'Tool calls', numeric: true },
            { label: 'Other', numeric: true },
          ]}
          rows={buckets
            .filter((bucket) => bucket.messages + bucket.toolCalls + bucket.other > 0)
            .map((bucket) => [
              formatInstantMs(bucket.at),
              formatCount(bucket.messages),
              formatCount(bucket.toolCalls),
              formatCount(bucket.other),
            ])}
          empty="No events with times in this session."
        />
      }
    >
      {buckets.length === 0 ? (
        <ChartEmpty>No events with times yet.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart
            data={buckets as ActivityBucket[]}
            margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
            accessibilityLayer={false}
          >
            <CartesianGrid vertical={false} stroke={GRID_STROKE} />
            <XAxis dataKey="at" tickFormatter={formatClock} tick={AXIS_TICK} minTickGap={32} tickLine={false} />
            <YAxis tick={AXIS_TICK} width={36} tickLine={false} axisLine={false} allowDecimals={false} />
            <Tooltip
              cursor={TOOLTIP_CURSOR}
              contentStyle={TOOLTIP_CONTENT_STYLE}
              labelStyle={TOOLTIP_LABEL_STYLE}
              labelFormatter={(at) => `From ${formatInstantMs(Number(at))}`}
            />
            <Legend {...LEGEND_PROPS} />
            <Bar
              dataKey="messages"
              name="Messages"
              stackId="events"
              fill={SERIES_COLORS.primary}
              isAnimationActive={false}
            />
            <Bar
              dataKey="toolCalls"
              name="Tool calls"
              stackId="events"
              fill={SERIES_COLORS.secondary}
              isAnimationActive={false}
            />
            <Bar
              dataKey="other"
              name="Other"
              stackId="events"
              fill={SERIES_COLORS.tertiary}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  )
}

const truncate = (text: string, length = 20) => (text.length > length ? `${text.slice(0, length - 1)}…` : text)

/** Horizontal bars of succeeded and failed runs per name (tools or command families). */
function RunsBarChart({ rows }: { rows: readonly { name: string; succeeded: number; failed: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height={Math.max(120, rows.length * 28 + 40)}>
      <BarChart
        data={rows as (typeof rows)[number][]}
        layout="vertical"
        margin={{ top: 0, right: 16, bottom: 0, left: 0 }}
        accessibilityLayer={false}
      >
        <CartesianGrid horizontal={false} stroke={GRID_STROKE} />
        <XAxis type="number" tick={AXIS_TICK} tickLine={false} allowDecimals={false} />
        <YAxis
          type="category"
          dataKey="name"
          tick={{ ...AXIS_TICK, fontFamily: 'var(--font-mono)' }}
          tickFormatter={(name) => truncate(String(name))}
          width={132}
          tickLine={false}
          axisLine={false}
        />
        <Tooltip cursor={TOOLTIP_CURSOR} contentStyle={TOOLTIP_CONTENT_STYLE} labelStyle={TOOLTIP_LABEL_STYLE} />
        <Legend {...LEGEND_PROPS} />
        <Bar
          dataKey="succeeded"
          name="Succeeded"
          stackId="runs"
          fill={SERIES_COLORS.primary}
          barSize={16}
          isAnimationActive={false}
        />
        <Bar
          dataKey="failed"
          name="Failed"
          stackId="runs"
          fill={SERIES_COLORS.failure}
          radius={[0, 3, 3, 0]}
          barSize={16}
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  )
}

export function ToolDistributionChart({ tools, total }: { tools: readonly ToolUsage[]; total: number }) {
  const rows = tools.map((tool) => ({ name: tool.tool, succeeded: tool.calls - tool.failures, failed: tool.failures }))
  const summary =
    tools.length === 0
      ? 'No tool calls in this session.'
      : `Bar chart of tool calls by tool: ${tools.map((tool) => `${tool.tool} ${tool.calls}${tool.failures ? ` (${tool.failures} failed)` : ''}`).join(', ')}.`
  return (
    <ChartCard
      title="Tools"
      description={`The ${Math.min(tools.length, 15)} most used tools, with their failures.`}
      summary={summary}
      testId="tool-distribution"
      table={
        <DataTable
          caption="Tool calls by tool"
          columns={[
            { label: 'Tool' },
            { label: 'Calls', numeric: true },
            { label: 'Share', numeric: true },
            { label: 'Failed', numeric: true },
            { label: 'Median', numeric: true },
            { label: '95th pct.', numeric: true },
            { label: 'Total time', numeric: true },
          ]}
          rows={tools.map((tool) => [
            <code key="tool" className="font-mono text-xs">
              {tool.tool}
            </code>,
            formatCount(tool.calls),
            formatShare(tool.calls, total),
            formatCount(tool.failures),
            formatMs(tool.medianMs),
            formatMs(tool.p95Ms),
            formatMs(tool.totalMs),
          ])}
          empty="No tool calls in this session."
        />
      }
    >
      {rows.length === 0 ? (
        <ChartEmpty height={140}>No tool calls in this session.</ChartEmpty>
      ) : (
        <RunsBarChart rows={rows} />
      )}
    </ChartCard>
  )
}

export function CommandDistributionChart({ commands }: { commands: readonly CommandUsage[] }) {
  const rows = commands.map((command) => ({
    name: command.family,
    succeeded: command.runs - command.failures,
    failed: command.failures,
  }))
  const summary =
    commands.length === 0
      ? 'No shell commands in this session.'
      : `Bar chart of shell commands by program: ${commands.map((command) => `${command.family} ${command.runs}${command.failures ? ` (${command.failures} failed)` : ''}`).join(', ')}.`
  return (
    <ChartCard
      title="Commands"
      description="Shell commands by program (with the subcommand for git, package managers and the like)."
      summary={summary}
      testId="command-distribution"
      table={
        <DataTable
          caption="Shell commands by program"
          columns={[
            { label: 'Command' },
            { label: 'Runs', numeric: true },
            { label: 'Failed', numeric: true },
            { label: 'Median', numeric: true },
          ]}
          rows={commands.map((command) => [
            <code key="family" className="font-mono text-xs">
              {command.family}
            </code>,
            formatCount(command.runs),
            formatCount(command.failures),
            formatMs(command.medianMs),
          ])}
          empty="No shell commands in this session."
        />
      }
    >
      {rows.length === 0 ? (
        <ChartEmpty height={140}>No shell commands in this session.</ChartEmpty>
      ) : (
        <RunsBarChart rows={rows} />
      )}
    </ChartCard>
  )
}

export function DurationChart({ buckets }: { buckets: readonly DurationBucket[] }) {
  const timed = buckets.reduce((sum, bucket) => sum + bucket.calls, 0)
  const rows = buckets.map((bucket) => ({ ...bucket, succeeded: bucket.calls - bucket.failures }))
  const summary =
    timed === 0
      ? 'No tool call in this session reported a duration.'
      : `Bar chart of tool call durations: ${buckets.map((bucket) => `${bucket.label} ${bucket.calls}${bucket.failures ? ` (${bucket.failures} failed)` : ''}`).join(', ')}.`
  return (
    <ChartCard
      title="Durations"
      description="How long tool calls took, where the log says."
      summary={summary}
      testId="durations"
      table={
        <DataTable
          caption="Tool call durations"
          columns={[{ label: 'Duration' }, { label: 'Calls', numeric: true }, { label: 'Failed', numeric: true }]}
          rows={buckets.map((bucket) => [bucket.label, formatCount(bucket.calls), formatCount(bucket.failures)])}
        />
      }
    >
      {timed === 0 ? (
        <ChartEmpty>No tool call reported a duration.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke={GRID_STROKE} />
            <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} interval={0} />
            <YAxis tick={AXIS_TICK} width={36} tickLine={false} axisLine={false} allowDecimals={false} />
            <Tooltip cursor={TOOLTIP_CURSOR} contentStyle={TOOLTIP_CONTENT_STYLE} labelStyle={TOOLTIP_LABEL_STYLE} />
            <Legend {...LEGEND_PROPS} />
            <Bar
              dataKey="succeeded"
              name="Succeeded"
              stackId="calls"
              fill={SERIES_COLORS.secondary}
              isAnimationActive={false}
            />
            <Bar
              dataKey="failures"
              name="Failed"
              stackId="calls"
              fill={SERIES_COLORS.failure}
              radius={[3, 3, 0, 0]}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  )
}
