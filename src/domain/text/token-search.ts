/**
 * The search people type into the explorer (and any list that wants the same rules): whitespace
 * separated tokens, all of which must match (AND); a token written `/pattern/flags` is a regular
 * expression, any other token a literal; both ignore case. Matches come back as ranges so the UI
 * can highlight them. Pure, no I/O.
 */

/** More tokens than this are ignored (and reported): a search is a few words, not a paragraph. */
export const MAX_SEARCH_TOKENS = 8

export interface SearchToken {
  /** What the person typed, for messages. */
  readonly text: string
  /** Global and case-insensitive, so one pattern finds every match in a field. */
  readonly pattern: RegExp
}

export interface ParsedSearch {
  readonly tokens: readonly SearchToken[]
  /** Why a token was ignored, written for the person who typed it. */
  readonly problems: readonly string[]
}

/** `[start, end)` in UTF-16 units of the searched text. */
export type MatchRange = readonly [start: number, end: number]

const REGEX_TOKEN = /^\/(.+)\/([a-z]*)$/

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function parseSearch(query: string): ParsedSearch {
  const words = query.split(/\s+/).filter(Boolean)
  const problems: string[] = []
  const tokens: SearchToken[] = []
  for (const word of words.slice(0, MAX_SEARCH_TOKENS)) {
    const regex = REGEX_TOKEN.exec(word)
    if (!regex) {
      tokens.push({ text: word, pattern: new RegExp(escapeRegExp(word), 'gi') })
      continue
    }
    const [, source, flags] = regex
    // Only flags that change what matches; g and i are always on.
    const extra = [...new Set(flags.replace(/[gi]/g, ''))].join('')
    if (/[^msu]/.test(extra)) {
      problems.push(`${word}: unknown flag; use m, s or u (case is always ignored).`)
      continue
    }
    try {
      tokens.push({ text: word, pattern: new RegExp(source, `gi${extra}`) })
    } catch (error) {
      problems.push(`${word} is not a valid regular expression (${error instanceof Error ? error.message : error}).`)
    }
  }
  if (words.length > MAX_SEARCH_TOKENS) {
    problems.push(
      `Only the first ${MAX_SEARCH_TOKENS} words are searched; ${words.length - MAX_SEARCH_TOKENS} ignored.`,
    )
  }
  return { tokens, problems }
}

/** Every non-empty match of the token in the text. */
function rangesOf(token: SearchToken, text: string): MatchRange[] {
  const ranges: MatchRange[] = []
  for (const match of text.matchAll(token.pattern)) {
    if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length])
    // A pattern that matches everywhere (`/.*/`) still needs only so many ranges for a highlight.
    if (ranges.length >= 200) break
  }
  return ranges
}

/** Sorted, overlapping and touching ranges joined. */
export function mergeRanges(ranges: readonly MatchRange[]): MatchRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const merged: [number, number][] = []
  for (const [start, end] of sorted) {
    const last = merged.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else merged.push([start, end])
  }
  return merged
}

/**
 * Whether every token matches at least one of the fields, and if so the highlight ranges per
 * field (fields without a match are absent). No tokens match everything, with no highlights.
 */
export function matchFields<K extends string>(
  fields: Readonly<Record<K, string | null | undefined>>,
  tokens: readonly SearchToken[],
): Partial<Record<K, MatchRange[]>> | null {
  const found: Partial<Record<K, MatchRange[]>> = {}
  for (const token of tokens) {
    let tokenMatched = false
    for (const key of Object.keys(fields) as K[]) {
      const text = fields[key]
      if (!text) continue
      const ranges = rangesOf(token, text)
      if (ranges.length === 0) continue
      tokenMatched = true
      found[key] = [...(found[key] ?? []), ...ranges]
    }
    if (!tokenMatched) return null
  }
  for (const key of Object.keys(found) as K[]) found[key] = mergeRanges(found[key] ?? [])
  return found
}

/** The text cut into plain and matched parts, for rendering with <mark>. */
export function splitByRanges(text: string, ranges: readonly MatchRange[] = []) {
  const parts: { text: string; match: boolean; start: number }[] = []
  let at = 0
  for (const [start, end] of ranges) {
    if (start >= text.length) break
    if (start > at) parts.push({ text: text.slice(at, start), match: false, start: at })
    parts.push({
      text: text.slice(Math.max(start, at), Math.min(end, text.length)),
      match: true,
      start: Math.max(start, at),
    })
    at = Math.min(end, text.length)
  }
  if (at < text.length) parts.push({ text: text.slice(at), match: false, start: at })
  return parts
}
