import { describe, expect, it } from 'vitest'
import { accountSignature, sessionSignature } from './live-signature'

const session = (id: string, eventCount: number, updatedAt = '2026-03-02T10:00:00.000Z') => ({
  id,
  eventCount,
  inputTokens: 10,
  outputTokens: 2,
  status: 'live',
  updatedAt: new Date(updatedAt),
})

describe('live signatures', () => {
  it('change when a session grows, arrives or goes, and not otherwise', () => {
    const before = accountSignature([session('a', 5), session('b', 7)])
    expect(accountSignature([session('b', 7), session('a', 5)])).toBe(before)
    expect(accountSignature([session('a', 6), session('b', 7)])).not.toBe(before)
    expect(accountSignature([session('a', 5)])).not.toBe(before)
    expect(accountSignature([session('a', 5), session('b', 7, '2026-03-02T10:00:01.000Z')])).not.toBe(before)
  })

  it('of one session follows its events, status and update time', () => {
    expect(sessionSignature(null)).toBe('')
    const base = sessionSignature(session('a', 5))
    expect(sessionSignature({ ...session('a', 5), status: 'complete' })).not.toBe(base)
    expect(sessionSignature(session('a', 6))).not.toBe(base)
    expect(sessionSignature(session('a', 5))).toBe(base)
  })
})
