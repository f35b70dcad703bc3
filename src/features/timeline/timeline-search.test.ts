import { describe, expect, it } from 'vitest'
import { hashOfOrdinal, ordinalFromHash, timelineSearchSchema } from './timeline-search'

describe('timeline search params', () => {
  it('defaults to every event, oldest first', () => {
    expect(timelineSearchSchema.parse({})).toEqual({ filter: 'all', order: 'oldest' })
  })

  it('keeps the search text, cut to its longest length', () => {
    expect(timelineSearchSchema.parse({ q: 'git push' }).q).toBe('git push')
    expect(timelineSearchSchema.parse({ q: 'x'.repeat(500) }).q).toHaveLength(200)
    expect(timelineSearchSchema.parse({ q: 42 }).q).toBeUndefined()
  })

  it('keeps known values and drops unknown ones back to the default', () => {
    expect(timelineSearchSchema.parse({ filter: 'tools', order: 'newest' })).toEqual({
      filter: 'tools',
      order: 'newest',
    })
    expect(timelineSearchSchema.parse({ filter: 'everything', order: 42 })).toEqual({
      filter: 'all',
      order: 'oldest',
    })
  })
})

describe('selected event in the hash', () => {
  it('maps the shown number to the ordinal and back', () => {
    expect(ordinalFromHash('#1')).toBe(0)
    expect(ordinalFromHash('42')).toBe(41)
    expect(hashOfOrdinal(41)).toBe('42')
  })

  it('selects nothing for anything else', () => {
    for (const hash of ['', '#', '#0', '#-3', '#abc', '#1.5', '#99999999999']) {
      expect(ordinalFromHash(hash)).toBeNull()
    }
  })
})
