import { describe, expect, it } from 'vitest'
import { describeRepositoryBreakdown, STATS_BREAKDOWN_LIMIT } from './breakdown'

describe('repository breakdown caption', () => {
  it('names the cut only when the chart is full', () => {
    expect(describeRepositoryBreakdown(3)).toBe('Every repository, all time.')
    expect(describeRepositoryBreakdown(STATS_BREAKDOWN_LIMIT - 1)).toBe('Every repository, all time.')
    expect(describeRepositoryBreakdown(STATS_BREAKDOWN_LIMIT)).toBe(
      'The 12 repositories with the most events, all time.',
    )
  })
})
