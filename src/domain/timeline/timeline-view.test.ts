import { describe, expect, it } from 'vitest'
import { matchesConditions, timelineConditions, timelineViewSchema } from './timeline-view'

const conditionsOf = (input: Record<string, unknown>) => timelineConditions(timelineViewSchema.parse(input))

describe('timeline view params', () => {
  it('keeps known values and drops unknown ones instead of failing', () => {
    expect(timelineViewSchema.parse({ role: 'user', type: 'FileChange', family: 'git', origin: 'subagent' })).toEqual({
      filter: 'all',
      role: 'user',
      type: 'FileChange',
      family: 'git',
      origin: 'subagent',
    })
    expect(
      timelineViewSchema.parse({ role: 'root', type: 'Nope', family: 'make', origin: 'x', from: '-3', to: 'ten' }),
    ).toEqual({ filter: 'all' })
  })

  it('reads event numbers from the URL as whole numbers from 1', () => {
    expect(timelineViewSchema.parse({ from: '10', to: '20' })).toMatchObject({ from: 10, to: 20 })
    expect(timelineViewSchema.parse({ from: '0', to: '1.5' })).toEqual({ filter: 'all' })
  })
})

describe('timeline conditions', () => {
  it('has no condition for the default view', () => {
    expect(conditionsOf({})).toEqual({
      types: null,
      role: null,
      commandFamily: null,
      sidechain: null,
      minOrdinal: null,
      maxOrdinal: null,
    })
  })

  it('turns event numbers into ordinals, either way round', () => {
    expect(conditionsOf({ from: 10, to: 20 })).toMatchObject({ minOrdinal: 9, maxOrdinal: 19 })
    expect(conditionsOf({ from: 20, to: 10 })).toMatchObject({ minOrdinal: 9, maxOrdinal: 19 })
    expect(conditionsOf({ from: 5 })).toMatchObject({ minOrdinal: 4, maxOrdinal: null })
  })

  it('combines the filter with the type: a type outside the filter matches nothing', () => {
    expect(conditionsOf({ filter: 'tools' }).types).toEqual([
      'FunctionCall',
      'LocalShellCall',
      'WebSearchCall',
      'CustomToolCall',
    ])
    expect(conditionsOf({ filter: 'tools', type: 'LocalShellCall' }).types).toEqual(['LocalShellCall'])
    expect(conditionsOf({ filter: 'tools', type: 'Message' }).types).toEqual([])
    expect(conditionsOf({ type: 'Message' }).types).toEqual(['Message'])
  })

  it('maps the origin to the sub-agent flag', () => {
    expect(conditionsOf({ origin: 'main' }).sidechain).toBe(false)
    expect(conditionsOf({ origin: 'subagent' }).sidechain).toBe(true)
  })

  it('tests one event the way the queries do', () => {
    const event = {
      type: 'LocalShellCall' as const,
      role: 'assistant',
      commandFamily: 'git',
      sidechain: false,
      ordinal: 14,
    }
    expect(matchesConditions(event, conditionsOf({ filter: 'tools', family: 'git', from: 10, to: 20 }))).toBe(true)
    expect(matchesConditions(event, conditionsOf({ family: 'test' }))).toBe(false)
    expect(matchesConditions(event, conditionsOf({ origin: 'subagent' }))).toBe(false)
    expect(matchesConditions(event, conditionsOf({ to: 14 }))).toBe(false)
    expect(matchesConditions(event, conditionsOf({ role: 'user' }))).toBe(false)
  })
})
