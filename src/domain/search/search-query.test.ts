import { describe, expect, it } from 'vitest'
import { HIGHLIGHT_STOP as E, parseHighlights, HIGHLIGHT_START as S, searchInputSchema } from './search-query'

describe('parseHighlights', () => {
  it('splits a snippet into plain and matched parts', () => {
    expect(parseHighlights(`run ${S}pnpm${E} test in ${S}src${E}`)).toEqual([
      { text: 'run ', match: false },
      { text: 'pnpm', match: true },
      { text: ' test in ', match: false },
      { text: 'src', match: true },
    ])
  })

  it('keeps markup as text: the parts are rendered as text nodes, never as HTML', () => {
    expect(parseHighlights(`<img src=x onerror=alert(1)> ${S}<b>${E}`)).toEqual([
      { text: '<img src=x onerror=alert(1)> ', match: false },
      { text: '<b>', match: true },
    ])
  })

  it('treats unbalanced markers as plain text and drops them', () => {
    expect(parseHighlights(`a ${S}b`)).toEqual([{ text: 'a b', match: false }])
    expect(parseHighlights(`a ${E}b`)).toEqual([{ text: 'a b', match: false }])
    expect(parseHighlights('')).toEqual([])
  })
})

describe('searchInputSchema', () => {
  it('trims the query and refuses an empty or huge one with a message a person can act on', () => {
    expect(searchInputSchema.parse({ query: '  invoices ' })).toEqual({ query: 'invoices', offset: 0 })
    expect(searchInputSchema.safeParse({ query: '   ' }).error?.issues[0]?.message).toBe('Type a word to search for.')
    expect(searchInputSchema.safeParse({ query: 'x'.repeat(201) }).success).toBe(false)
    expect(searchInputSchema.safeParse({ query: 'x', offset: 10_000 }).success).toBe(false)
  })
})
