import { type MatchRange, splitByRanges } from '~/domain/text/token-search'

/** Text with the search's matches marked; plain text when there are none. */
export function HighlightedText({ text, ranges }: { text: string; ranges?: readonly MatchRange[] }) {
  if (!ranges || ranges.length === 0) return <>{text}</>
  return (
    <>
      {splitByRanges(text, ranges).map((part) =>
        part.match ? (
          <mark
            key={part.start}
            className="rounded-[2px] bg-warning/20 px-px text-foreground ring-1 ring-warning/40 dark:bg-warning/25"
          >
            {part.text}
          </mark>
        ) : (
          <span key={part.start}>{part.text}</span>
        ),
      )}
    </>
  )
}
