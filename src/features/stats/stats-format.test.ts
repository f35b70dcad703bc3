import { describe, expect, it } from 'vitest'
import { formatCompact, formatDay, formatMs, formatShare } from './stats-format'

describe('stats formats', () => {
  it('durations, days, shares and compact numbers', () => {
    expect(formatMs(850)).toBe('850 ms')
    expect(formatMs(2490)).toBe('2.5 s')
    expect(formatMs(95_000)).toBe('1 min 35 s')
    expect(formatMs(5_400_000)).toBe('1 h 30 min')
    expect(formatMs(null)).toBe('—')
    expect(formatDay('2026-03-02')).toBe('Mon, Mar 2, 2026')
    expect(formatShare(1, 300)).toBe('<1%')
    expect(formatShare(0, 0)).toBe('0%')
    expect(formatShare(1, 4)).toBe('25%')
    expect(formatCompact(1_234_567)).toBe('1.2M')
  })
})
