import { describe, expect, it } from 'vitest'
import { MAX_SEARCH_TOKENS, matchFields, mergeRanges, parseSearch, splitByRanges } from './token-search'

const fields = { title: 'Fix the flaky login test', repo: 'acme-api', branch: 'feat/login', model: 'gpt-5-codex' }

describe('parseSearch', () => {
  it('splits on whitespace; literals are escaped and ignore case', () => {
    const { tokens, problems } = parseSearch('  a.b   C++ ')
    expect(tokens.map((token) => token.text)).toEqual(['a.b', 'C++'])
    expect(problems).toEqual([])
    expect(tokens[0].pattern.test('axb')).toBe(false)
    expect(matchFields({ title: 'c++ and A.B' }, tokens)).not.toBeNull()
  })

  it('reads /pattern/flags as a regular expression, always case-insensitive', () => {
    const { tokens } = parseSearch('/^fix\\s+the/')
    expect(matchFields(fields, tokens)).toEqual({ title: [[0, 7]] })
    expect(matchFields({ title: 'FIX THE' }, tokens)).not.toBeNull()
  })

  it('reports an invalid pattern or flag and ignores that token only', () => {
    const { tokens, problems } = parseSearch('/[/ acme /x/z')
    expect(tokens.map((token) => token.text)).toEqual(['acme'])
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^\/\[\/ is not a valid regular expression/)
    expect(problems[1]).toMatch(/unknown flag/)
  })

  it(`searches at most ${MAX_SEARCH_TOKENS} words and says so`, () => {
    const { tokens, problems } = parseSearch('a b c d e f g h i j')
    expect(tokens).toHaveLength(MAX_SEARCH_TOKENS)
    expect(problems).toEqual([`Only the first ${MAX_SEARCH_TOKENS} words are searched; 2 ignored.`])
  })
})

describe('matchFields', () => {
  it('needs every token to match some field (AND), and gives the ranges per field', () => {
    expect(matchFields(fields, parseSearch('login acme').tokens)).toEqual({
      title: [[14, 19]],
      branch: [[5, 10]],
      repo: [[0, 4]],
    })
    expect(matchFields(fields, parseSearch('login nowhere').tokens)).toBeNull()
  })

  it('matches everything with no tokens, and skips empty matches and empty fields', () => {
    expect(matchFields(fields, [])).toEqual({})
    expect(matchFields({ title: 'abc', repo: null }, parseSearch('/x*/').tokens)).toBeNull()
  })
})

describe('ranges', () => {
  it('merges overlapping and touching ranges', () => {
    expect(
      mergeRanges([
        [5, 8],
        [0, 2],
        [2, 3],
        [6, 10],
      ]),
    ).toEqual([
      [0, 3],
      [5, 10],
    ])
  })

  it('cuts text into plain and matched parts', () => {
    expect(splitByRanges('flaky login test', [[6, 11]])).toEqual([
      { text: 'flaky ', match: false, start: 0 },
      { text: 'login', match: true, start: 6 },
      { text: ' test', match: false, start: 11 },
    ])
    expect(splitByRanges('abc')).toEqual([{ text: 'abc', match: false, start: 0 }])
  })
})
