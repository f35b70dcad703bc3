/**
 * The cross-session search's input and its highlighted snippets. Browser-safe: the page validates
 * its URL with the same schema the server function validates its input with.
 */
import { z } from 'zod'

export const SEARCH_PAGE_SIZE = 30
/** Deeper than this, a person refines the query instead of paging (and OFFSET stays cheap). */
export const MAX_SEARCH_OFFSET = 600
export const MAX_SEARCH_QUERY_LENGTH = 200

export const searchQuerySchema = z
  .string()
  .trim()
  .min(1, 'Type a word to search for.')
  .max(MAX_SEARCH_QUERY_LENGTH, `A search can be at most ${MAX_SEARCH_QUERY_LENGTH} characters long.`)

export const searchInputSchema = z.object({
  query: searchQuerySchema,
  offset: z
    .number()
    .int('offset must be a whole number.')
    .min(0, 'offset cannot be negative.')
    .max(MAX_SEARCH_OFFSET, `Results stop after ${MAX_SEARCH_OFFSET}; refine the search to see others.`)
    .default(0),
})
export type SearchInput = z.input<typeof searchInputSchema>

/**
 * Markers around the matched words in a snippet. Control characters that no log text keeps (the
 * repository removes them from the text before highlighting), so a snippet is split into plain
 * text parts and never rendered as HTML.
 */
export const HIGHLIGHT_START = '\u0002'
export const HIGHLIGHT_STOP = '\u0003'

export interface SnippetPart {
  text: string
  match: boolean
}

/** `a\u0002b\u0003c` → [{a}, {b, match}, {c}]; unbalanced markers are treated as plain text. */
export function parseHighlights(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = []
  let rest = snippet
  while (rest.length > 0) {
    const start = rest.indexOf(HIGHLIGHT_START)
    const stop = start === -1 ? -1 : rest.indexOf(HIGHLIGHT_STOP, start + 1)
    if (start === -1 || stop === -1) {
      parts.push({ text: stripMarkers(rest), match: false })
      break
    }
    if (start > 0) parts.push({ text: stripMarkers(rest.slice(0, start)), match: false })
    const matched = stripMarkers(rest.slice(start + 1, stop))
    if (matched) parts.push({ text: matched, match: true })
    rest = rest.slice(stop + 1)
  }
  return mergeAdjacent(parts.filter((part) => part.text.length > 0))
}

function stripMarkers(text: string) {
  return text.replaceAll(HIGHLIGHT_START, '').replaceAll(HIGHLIGHT_STOP, '')
}

function mergeAdjacent(parts: SnippetPart[]): SnippetPart[] {
  const merged: SnippetPart[] = []
  for (const part of parts) {
    const last = merged.at(-1)
    if (last && last.match === part.match) last.text += part.text
    else merged.push({ ...part })
  }
  return merged
}
