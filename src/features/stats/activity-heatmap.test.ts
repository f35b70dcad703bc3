import { describe, expect, it } from 'vitest'
import type { ActivityDay } from '~/server/repositories/stats-repository'
import { heatLevels, monthLabels } from './activity-heatmap'

const day = (date: string, events = 0): ActivityDay => ({
  day: date,
  events,
  toolCalls: 0,
  sessions: events > 0 ? 1 : 0,
  activeHours: 0,
  sessionsStarted: 0,
  tokens: 0,
})

/** `count` consecutive days from `first` (a Monday). */
function daysFrom(first: string, count: number) {
  const start = Date.parse(`${first}T00:00:00Z`)
  return Array.from({ length: count }, (_, index) =>
    day(new Date(start + index * 86_400_000).toISOString().slice(0, 10)),
  )
}

describe('activity heatmap', () => {
  it('shades days in proportion to the busiest one, and empty days not at all', () => {
    const level = heatLevels([day('2026-03-02', 100), day('2026-03-03', 10), day('2026-03-04')])
    expect([level(0), level(1), level(10), level(26), level(50), level(100)]).toEqual([0, 1, 1, 2, 2, 4])
    expect(heatLevels([day('2026-03-02')])(0)).toBe(0)
  })

  it('names each month over its first week, unless the next name would overlap', () => {
    // 2025-03-03 is a Monday; the first column is March, the fifth April.
    const labels = monthLabels(daysFrom('2025-03-03', 9 * 7))
    expect(labels.slice(0, 6)).toEqual(['Mar', '', '', '', '', 'Apr'].map((label, index) => (index === 4 ? '' : label)))
    // A window starting in the last week of a month leaves that month unnamed.
    expect(monthLabels(daysFrom('2025-03-24', 6 * 7))[0]).toBe('')
  })
})
