/** A search snippet with its matched words marked. The parts are text nodes: nothing is parsed as HTML. */
import { parseHighlights } from '~/domain/search/search-query'

export function SearchSnippet({ snippet }: { snippet: string }) {
  const parts = parseHighlights(snippet)
  return (
    <p className="break-words text-sm leading-relaxed" data-testid="search-snippet">
      {parts.map((part, index) =>
        part.match ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <mark key={index} className="rounded-sm bg-warning/25 px-0.5 text-foreground">
            {part.text}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one snippet never reorder
          <span key={index}>{part.text}</span>
        ),
      )}
    </p>
  )
}
