import { describe, expect, it } from 'vitest'
import {
  MEMORY_HEADROOM_BYTES,
  MemoryBudgetTooSmallError,
  MINIMUM_SHAPE_DATA_BYTES,
  minimumBudgetBytes,
  ShapeDataAllowance,
} from '../../src/memory-budget.ts'

const MiB = 1024 * 1024

/** A 192 MiB budget for a process that needs 100 MiB: 60 MiB of shape data at most. */
function allowance(overrides: { cooldownReadings?: number; growAfterReadings?: number } = {}) {
  return new ShapeDataAllowance({ budgetBytes: 192 * MiB, baselineBytes: 100 * MiB, ...overrides })
}

describe('the shape-data allowance under a process memory budget', () => {
  it('starts at budget − baseline − headroom', () => {
    const budget = allowance()
    expect(budget.ceilingBytes).toBe(192 * MiB - 100 * MiB - MEMORY_HEADROOM_BYTES)
    expect(budget.bytes).toBe(budget.ceilingBytes)
    // The lines: collect garbage above 160, shrink above 176, grow back below 144 (MiB).
    expect([budget.collectAboveBytes, budget.shrinkAboveBytes, budget.growBelowBytes]).toEqual([
      160 * MiB,
      176 * MiB,
      144 * MiB,
    ])
    expect(budget.observe(150 * MiB, 40 * MiB)).toEqual({ kind: 'unchanged' })
  })

  it('refuses a budget below what the process needs, naming the minimum in MiB', () => {
    const minimum = minimumBudgetBytes(100 * MiB)
    expect(minimum).toBe(100 * MiB + MEMORY_HEADROOM_BYTES + MINIMUM_SHAPE_DATA_BYTES)
    expect(() => new ShapeDataAllowance({ budgetBytes: minimum, baselineBytes: 100 * MiB })).not.toThrow()
    let error: unknown
    try {
      new ShapeDataAllowance({ budgetBytes: minimum - 1, baselineBytes: 100 * MiB })
    } catch (thrown) {
      error = thrown
    }
    expect(error).toBeInstanceOf(MemoryBudgetTooSmallError)
    expect((error as MemoryBudgetTooSmallError).minimumMiB).toBe(minimum / MiB)
    expect((error as Error).message).toMatch(/^must be at least 140: the server process uses 100 MiB once started/)
  })

  it('shrinks in proportion when RSS climbs into the headroom, so the part above the baseline would fit again', () => {
    const budget = allowance()
    // Shape data at its 60 MiB ceiling costs 90 MiB of RSS (V8 keeps garbage): 190 > 176.
    const change = budget.observe(190 * MiB, 60 * MiB)
    expect(change).toEqual({ kind: 'shrunk', fromBytes: 60 * MiB, toBytes: 40 * MiB })
    expect(budget.bytes).toBe(40 * MiB)
  })

  it('shrinks what the shapes hold, not an allowance they do not use', () => {
    const budget = allowance()
    // Held requests, not shape data, pushed RSS up: 20 MiB of data scaled by 60/90.
    const change = budget.observe(190 * MiB, 20 * MiB)
    expect(change.kind).toBe('shrunk')
    expect(budget.bytes).toBe(Math.floor(20 * MiB * (60 / 90)))
  })

  it('waits for RSS to follow an eviction before shrinking again (no thrashing while V8 returns pages)', () => {
    const budget = allowance({ cooldownReadings: 3 })
    expect(budget.observe(190 * MiB, 60 * MiB).kind).toBe('shrunk')
    // RSS still high: V8 has not collected the evicted shapes yet.
    expect(budget.observe(190 * MiB, 40 * MiB)).toEqual({ kind: 'unchanged' })
    expect(budget.observe(195 * MiB, 40 * MiB)).toEqual({ kind: 'unchanged' })
    expect(budget.observe(190 * MiB, 40 * MiB)).toEqual({ kind: 'unchanged' })
    expect(budget.bytes).toBe(40 * MiB)
    // Still over once the cooldown is over: shrink again.
    expect(budget.observe(190 * MiB, 40 * MiB)).toEqual({
      kind: 'shrunk',
      fromBytes: 40 * MiB,
      toBytes: Math.floor(40 * MiB * (60 / 90)),
    })
  })

  it('holds between the two lines, and grows back slowly only after RSS stayed comfortably low', () => {
    const budget = allowance({ cooldownReadings: 0, growAfterReadings: 3 })
    budget.observe(190 * MiB, 60 * MiB)
    expect(budget.bytes).toBe(40 * MiB)
    // 150 MiB: under the shrink line (176), over the grow line (144): nothing changes.
    for (let reading = 0; reading < 10; reading++) expect(budget.observe(150 * MiB, 40 * MiB).kind).toBe('unchanged')
    // Two quiet readings, one in the band (resets the count), then three in a row: one step.
    budget.observe(120 * MiB, 40 * MiB)
    budget.observe(120 * MiB, 40 * MiB)
    budget.observe(150 * MiB, 40 * MiB)
    budget.observe(120 * MiB, 40 * MiB)
    budget.observe(120 * MiB, 40 * MiB)
    expect(budget.bytes).toBe(40 * MiB)
    const step = budget.ceilingBytes / 16
    expect(budget.observe(120 * MiB, 40 * MiB)).toEqual({
      kind: 'grown',
      fromBytes: 40 * MiB,
      toBytes: 40 * MiB + step,
    })
    // Never past the ceiling.
    for (let reading = 0; reading < 200; reading++) budget.observe(110 * MiB, 40 * MiB)
    expect(budget.bytes).toBe(budget.ceilingBytes)
  })

  it('never goes below the floor, and says so when RSS stays over the budget anyway', () => {
    const budget = allowance({ cooldownReadings: 0 })
    for (let reading = 0; reading < 20; reading++) budget.observe(185 * MiB, budget.bytes)
    expect(budget.bytes).toBe(MINIMUM_SHAPE_DATA_BYTES)
    // In the headroom but under the budget: nothing to report.
    expect(budget.observe(185 * MiB, MINIMUM_SHAPE_DATA_BYTES)).toEqual({ kind: 'unchanged' })
    expect(budget.observe(200 * MiB, MINIMUM_SHAPE_DATA_BYTES)).toEqual({ kind: 'over-budget-at-floor' })
    expect(budget.bytes).toBe(MINIMUM_SHAPE_DATA_BYTES)
  })
})
