/**
 * The blocks of the event detail: code (highlighted once the highlighter has loaded), plain text
 * and diffs. Long ones start folded to their first lines, with a button to show everything.
 */
import { ChevronDownIcon, ChevronUpIcon } from 'lucide-react'
import { useEffect, useState } from 'react'
import { Button } from '~/components/ui/button'
import { cn } from '~/lib/utils'
import type { DiffLine } from './event-payload'

const FOLD_LINES = 30
const FOLD_CHARS = 3_000
const PRE_CLASS =
  'max-w-full overflow-x-auto whitespace-pre-wrap break-words rounded-md bg-muted p-3 font-mono text-xs leading-relaxed'

function useFold(lineCount: number, charCount: number) {
  const [expanded, setExpanded] = useState(false)
  const long = lineCount > FOLD_LINES || charCount > FOLD_CHARS
  return { long, folded: long && !expanded, toggle: () => setExpanded((value) => !value) }
}

function FoldButton({ folded, lineCount, onToggle }: { folded: boolean; lineCount: number; onToggle: () => void }) {
  return (
    <Button size="sm" variant="ghost" className="self-start" aria-expanded={!folded} onClick={onToggle}>
      {folded ? <ChevronDownIcon aria-hidden /> : <ChevronUpIcon aria-hidden />}
      {folded ? `Show all ${lineCount.toLocaleString('en-US')} lines` : 'Show less'}
    </Button>
  )
}

function firstLines(text: string) {
  return text.split('\n', FOLD_LINES).join('\n').slice(0, FOLD_CHARS)
}

/** Code or text; `language` (a highlight.js name) turns on highlighting. */
export function CodeBlock({ code, language }: { code: string; language: string | null }) {
  const lineCount = code.split('\n').length
  const fold = useFold(lineCount, code.length)
  const shown = fold.folded ? firstLines(code) : code
  const [highlighted, setHighlighted] = useState<{ source: string; html: string } | null>(null)

  useEffect(() => {
    if (!language) return
    let current = true
    void import('./code-highlighter').then(({ highlightCode }) => {
      const html = highlightCode(shown, language)
      if (current && html !== null) setHighlighted({ source: shown, html })
    })
    return () => {
      current = false
    }
  }, [shown, language])

  const html = highlighted?.source === shown ? highlighted.html : null
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <pre className={PRE_CLASS} data-language={language ?? undefined}>
        {html !== null ? (
          // biome-ignore lint/security/noDangerouslySetInnerHtml: highlight.js escapes the code and only adds its token spans
          <code className="hljs" dangerouslySetInnerHTML={{ __html: html }} />
        ) : (
          <code>{shown}</code>
        )}
        {fold.folded ? <span className="text-muted-foreground">{'\n'}…</span> : null}
      </pre>
      {fold.long ? <FoldButton folded={fold.folded} lineCount={lineCount} onToggle={fold.toggle} /> : null}
    </div>
  )
}

const LINE_CLASS: Record<DiffLine['kind'], string> = {
  add: 'bg-[var(--diff-add)]',
  remove: 'bg-[var(--diff-remove)]',
  context: '',
  header: 'font-semibold text-muted-foreground',
}

/** A diff, one line per row, added and removed lines tinted (their `+`/`-` stays for screen readers). */
export function DiffBlock({ lines }: { lines: DiffLine[] }) {
  const charCount = lines.reduce((total, line) => total + line.text.length + 1, 0)
  const fold = useFold(lines.length, charCount)
  const shown = fold.folded ? lines.slice(0, FOLD_LINES) : lines
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <pre className={cn(PRE_CLASS, 'px-0')} data-testid="diff-block">
        {shown.map((line, index) => (
          <span
            // Lines have no identity of their own; their place in the diff is what they are.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={index}
            className={cn('block px-3', LINE_CLASS[line.kind])}
            data-diff={line.kind}
          >
            {line.text || ' '}
          </span>
        ))}
        {fold.folded ? <span className="block px-3 text-muted-foreground">…</span> : null}
      </pre>
      {fold.long ? <FoldButton folded={fold.folded} lineCount={lines.length} onToggle={fold.toggle} /> : null}
    </div>
  )
}
