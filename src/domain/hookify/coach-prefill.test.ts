import { describe, expect, it } from 'vitest'
import { readCoachPrefill } from './coach-prefill'

const prefill = {
  prompt: 'Analyze this',
  metadata: { sessionId: 's', source: 'timeline', decisionId: 'hook_1', severity: 'none', ruleIds: [] },
}

describe('readCoachPrefill', () => {
  it('reads the prefill from history state and ignores everything else', () => {
    expect(readCoachPrefill({ coachPrefill: prefill, __TSR_index: 3 })).toEqual(prefill)
    expect(readCoachPrefill({ __TSR_index: 3 })).toBeNull()
    expect(readCoachPrefill(undefined)).toBeNull()
    expect(readCoachPrefill({ coachPrefill: { prompt: 42 } })).toBeNull()
  })
})
