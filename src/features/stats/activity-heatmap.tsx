/**
 * A calendar of the last 53 weeks: one column per week (Monday first), one cell per day, shaded by
 * the number of events that day. Cells shrink with the card down to 10 px; below that (phones)
 * the calendar scrolls sideways, keeps its weekday labels in view, and opens at the newest week
 * with activity (the latest weeks of a quiet account would show an empty grid).
 */
import { useLayoutEffect, useRef } from 'react'
import { formatCount } from '~/lib/format'
import type { ActivityDay } from '~/server/repositories/stats-repository'
import { formatDay, formatMonth } from './stats-format'

const WEEKDAY_LABELS = ['Mon', '', 'Wed', '', 'Fri', '', '']

/** Level 0 (no events) to 4, in proportion to the busiest day of the window. */
export function heatLevels(days: readonly ActivityDay[]) {
  const busiest = Math.max(0, ...days.map((day) => day.events))
  return (events: number) => (events <= 0 || busiest === 0 ? 0 : Math.max(1, Math.ceil((4 * events) / busiest)))
}

/** A month's name over the first week column it starts in, unless the next name would overlap it. */
export function monthLabels(days: readonly ActivityDay[]) {
  const weeks = Math.ceil(days.length / 7)
  const starts: number[] = []
  for (let week = 0; week < weeks; week++) {
    const first = days[week * 7]?.day
    const previous = week > 0 ? days[(week - 1) * 7]?.day : undefined
    if (first && (!previous || first.slice(5, 7) !== previous.slice(5, 7))) starts.push(week)
  }
  const labels: string[] = Array.from({ length: weeks }, () => '')
  starts.forEach((week, index) => {
    const next = starts[index + 1] ?? weeks
    if (next - week >= 3) labels[week] = formatMonth(days[week * 7].day)
  })
  return labels
}

function describeDay(day: ActivityDay) {
  if (day.events === 0) return `${formatDay(day.day)}: no activity`
  const sessions = `${formatCount(day.sessions)} session${day.sessions === 1 ? '' : 's'}`
  return `${formatDay(day.day)}: ${formatCount(day.events)} events in ${sessions}, ${formatCount(day.toolCalls)} tool calls`
}

export function ActivityHeatmap({ days, summary }: { days: readonly ActivityDay[]; summary: string }) {
  const scroller = useRef<HTMLElement>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the newest activity when the days change
  useLayoutEffect(() => {
    const element = scroller.current
    if (!element) return
    const active = element.querySelectorAll<HTMLElement>('[data-level]:not([data-level="0"])')
    const newest = active[active.length - 1]
    if (!newest) {
      element.scrollLeft = element.scrollWidth
      return
    }
    // Its week as the calendar's right-most visible column, with one more week beside it when there is one.
    const cellRight = newest.getBoundingClientRect().right - element.getBoundingClientRect().left + element.scrollLeft
    element.scrollLeft = cellRight + newest.offsetWidth * 2 - element.clientWidth
  }, [days])
  const levelOf = heatLevels(days)
  const weeks = Math.ceil(days.length / 7)
  const labels = monthLabels(days)
  const columns = { gridTemplateColumns: `repeat(${weeks}, minmax(0, 1fr))` }
  return (
    <div className="flex max-w-[56rem] flex-col gap-2" data-testid="activity-heatmap">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard */}
      <section ref={scroller} aria-label="Activity calendar" tabIndex={0} className="overflow-x-auto pb-1">
        <div role="img" aria-label={summary} className="grid min-w-[36rem] grid-cols-[auto_1fr]">
          <span className="sticky left-0 z-10 bg-card" />
          <div
            className="grid gap-[2px] pb-1 text-[10px] text-muted-foreground sm:gap-[3px] sm:text-xs"
            style={columns}
          >
            {labels.map((label, week) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one label per week column
              <span key={week} className="overflow-visible whitespace-nowrap">
                {label}
              </span>
            ))}
          </div>
          <div className="sticky left-0 z-10 grid grid-rows-7 gap-[2px] bg-card pr-1.5 text-[10px] text-muted-foreground leading-none sm:gap-[3px] sm:text-xs">
            {WEEKDAY_LABELS.map((label, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: one label per weekday row
              <span key={index} className="flex items-center">
                {label}
              </span>
            ))}
          </div>
          <div className="grid grid-flow-col grid-rows-7 gap-[2px] sm:gap-[3px]" style={columns}>
            {days.map((day) => {
              const level = levelOf(day.events)
              return (
                <div
                  key={day.day}
                  title={describeDay(day)}
                  data-day={day.day}
                  data-events={day.events}
                  data-level={level}
                  className="aspect-square rounded-[2px] outline-1 outline-black/5 -outline-offset-1 dark:outline-white/5"
                  style={{ background: `var(--heat-${level})` }}
                />
              )
            })}
          </div>
        </div>
      </section>
      <div className="flex items-center justify-end gap-1.5 text-muted-foreground text-xs" aria-hidden>
        <span>Less</span>
        {[0, 1, 2, 3, 4].map((level) => (
          <span key={level} className="size-3 rounded-[2px]" style={{ background: `var(--heat-${level})` }} />
        ))}
        <span>More</span>
      </div>
    </div>
  )
}
