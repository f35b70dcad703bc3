/**
 * A small markdown renderer for coach replies: headings, paragraphs, bullet and numbered lists,
 * fenced code blocks, inline code, bold and `#N` event references (links to the timeline). It
 * builds React elements — never HTML strings — so nothing a model writes can inject markup.
 */
import { Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'code'; language: string; text: string }

export function parseBlocks(markdown: string): Block[] {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n')
  const blocks: Block[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    const fence = /^```(\w*)\s*$/.exec(line)
    if (fence) {
      const body: string[] = []
      i++
      while (i < lines.length && !/^```\s*$/.test(lines[i])) body.push(lines[i++])
      i++
      blocks.push({ kind: 'code', language: fence[1], text: body.join('\n') })
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1].length, text: heading[2] })
      i++
      continue
    }
    const item = /^\s*([-*]|\d+[.)])\s+(.*)$/.exec(line)
    if (item) {
      const ordered = /\d/.test(item[1])
      const items: string[] = []
      while (i < lines.length) {
        const next = /^\s*([-*]|\d+[.)])\s+(.*)$/.exec(lines[i])
        if (next) items.push(next[2])
        else if (/^\s{2,}\S/.test(lines[i]) && items.length) items[items.length - 1] += ` ${lines[i].trim()}`
        else break
        i++
      }
      blocks.push({ kind: 'list', ordered, items })
      continue
    }
    if (line.trim() === '') {
      i++
      continue
    }
    const paragraph: string[] = []
    while (i < lines.length && lines[i].trim() !== '' && !/^(```|#{1,6}\s|\s*([-*]|\d+[.)])\s)/.test(lines[i])) {
      paragraph.push(lines[i++])
    }
    blocks.push({ kind: 'paragraph', text: paragraph.join(' ') })
  }
  return blocks
}

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|#\d{1,6}\b)/g

function Inline({ text, sessionId }: { text: string; sessionId: string | null }) {
  const parts: ReactNode[] = []
  let last = 0
  for (const match of text.matchAll(INLINE)) {
    const index = match.index ?? 0
    if (index > last) parts.push(text.slice(last, index))
    const token = match[0]
    if (token.startsWith('`')) {
      parts.push(
        <code key={index} className="rounded bg-muted px-1 py-0.5 font-mono text-[0.85em]">
          {token.slice(1, -1)}
        </code>,
      )
    } else if (token.startsWith('**')) {
      parts.push(<strong key={index}>{token.slice(2, -2)}</strong>)
    } else if (sessionId) {
      parts.push(
        <Link
          key={index}
          to="/sessions/$sessionId"
          params={{ sessionId }}
          hash={token.slice(1)}
          className="font-medium text-primary underline underline-offset-2"
        >
          {token}
        </Link>,
      )
    } else {
      parts.push(token)
    }
    last = index + token.length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <>{parts}</>
}

export function Markdown({ text, sessionId }: { text: string; sessionId: string | null }) {
  return (
    <div className="flex flex-col gap-2 text-sm leading-relaxed [overflow-wrap:anywhere]">
      {parseBlocks(text).map((block, index) => {
        const key = `${block.kind}-${index}`
        switch (block.kind) {
          case 'heading':
            // One level inside a reply (h3 under the panel's h2), so the page's outline stays valid.
            return (
              <h3
                key={key}
                className={block.level <= 2 ? 'mt-1 text-base font-semibold' : 'mt-1 text-sm font-semibold'}
              >
                <Inline text={block.text} sessionId={sessionId} />
              </h3>
            )
          case 'paragraph':
            return (
              <p key={key}>
                <Inline text={block.text} sessionId={sessionId} />
              </p>
            )
          case 'list': {
            const items = block.items.map((item, itemIndex) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: list items of a finished text never reorder
              <li key={itemIndex}>
                <Inline text={item} sessionId={sessionId} />
              </li>
            ))
            return block.ordered ? (
              <ol key={key} className="list-decimal pl-5">
                {items}
              </ol>
            ) : (
              <ul key={key} className="list-disc pl-5">
                {items}
              </ul>
            )
          }
          default:
            return (
              <pre
                key={key}
                // biome-ignore lint/a11y/noNoninteractiveTabindex: wide code scrolls sideways; focus lets keyboard users scroll it
                tabIndex={0}
                className="overflow-x-auto rounded-md bg-muted p-3 font-mono text-xs focus-visible:outline-2 focus-visible:outline-ring"
                data-language={block.language || undefined}
              >
                <code>{block.text}</code>
              </pre>
            )
        }
      })}
    </div>
  )
}
