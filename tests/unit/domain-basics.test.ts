import { describe, expect, it } from 'vitest'
import { highestSeverity } from '../../src/domain/misalignments/severity'
import { canTransition, MISALIGNMENT_TRANSITIONS } from '../../src/domain/misalignments/status'
import { NUL_REPLACEMENT, toStorableJson, toStorableText, withStorableStrings } from '../../src/domain/storable-text'

describe('storable text', () => {
  it('replaces NUL characters and leaves everything else alone', () => {
    expect(toStorableText('a\u0000b\u0000')).toBe(`a${NUL_REPLACEMENT}b${NUL_REPLACEMENT}`)
    expect(toStorableText('ünïcödé 🚀')).toBe('ünïcödé 🚀')
    expect(toStorableText(null)).toBeNull()
  })

  it('cleans strings and keys deep inside JSON values without changing other types', () => {
    const input = { 'k\u0000': ['x\u0000', 1, true, null, { deep: 'y\u0000' }] }
    expect(toStorableJson(input)).toEqual({
      [`k${NUL_REPLACEMENT}`]: [`x${NUL_REPLACEMENT}`, 1, true, null, { deep: `y${NUL_REPLACEMENT}` }],
    })
    expect(input['k\u0000'][0]).toBe('x\u0000')
  })
})

describe('misalignment status machine', () => {
  it('allows exactly the documented transitions', () => {
    const statuses = ['open', 'acknowledged', 'dismissed'] as const
    const allowed = statuses.flatMap((from) =>
      statuses.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    )
    expect(allowed.sort()).toEqual(
      [
        'acknowledged->dismissed',
        'acknowledged->open',
        'dismissed->acknowledged',
        'dismissed->open',
        'open->acknowledged',
        'open->dismissed',
      ].sort(),
    )
    expect(Object.keys(MISALIGNMENT_TRANSITIONS)).toEqual([...statuses])
  })

  it('orders severities info < low < medium < high < critical', () => {
    expect(highestSeverity(['low', 'critical', 'medium'])).toBe('critical')
    expect(highestSeverity(['info', 'low'])).toBe('low')
    expect(highestSeverity([])).toBeUndefined()
  })
})

describe('withStorableStrings', () => {
  it('replaces NUL in every string and key of plain objects and arrays, and keeps __proto__ as data', () => {
    const input = JSON.parse('{"a\\u0000":"x\\u0000","list":["\\u0000"],"__proto__":{"polluted":"\\u0000"}}')
    const output = withStorableStrings(input)
    expect(output).toEqual(JSON.parse('{"a\\uFFFD":"x\\uFFFD","list":["\\uFFFD"],"__proto__":{"polluted":"\\uFFFD"}}'))
    expect(Object.getPrototypeOf(output)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('passes dates and other instances through untouched', () => {
    const when = new Date(0)
    expect(withStorableStrings({ when }).when).toBe(when)
  })
})
