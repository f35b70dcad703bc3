/** A text with every case-insensitive occurrence of the search text wrapped in `<mark>`. */
import type { ReactNode } from 'react'

export function HighlightMatches({ text, query }: { text: string; query: string | undefined }) {
  const needle = query?.trim().toLowerCase()
  if (!needle) return <>{text}</>
  const haystack = text.toLowerCase()
  const parts: ReactNode[] = []
  let start = 0
  for (let found = haystack.indexOf(needle); found !== -1; found = haystack.indexOf(needle, start)) {
    if (found > start) parts.push(text.slice(start, found))
    parts.push(
      <mark key={found} className="rounded-sm bg-warning/30 text-inherit">
        {text.slice(found, found + needle.length)}
      </mark>,
    )
    start = found + needle.length
  }
  parts.push(text.slice(start))
  return <>{parts}</>
}
