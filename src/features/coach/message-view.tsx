/** One message of a thread: markdown text, context-event chips, tool-call cards, status. */
import { Link } from '@tanstack/react-router'
import { CircleAlertIcon, LoaderCircleIcon, WrenchIcon } from 'lucide-react'
import type { ChatMessageRow, ChatToolEventRow } from '~/collections/session-collections'
import type { ChatEventReference } from '~/domain/coach/event-digest'
import { cn } from '~/lib/utils'
import { Markdown } from './markdown'
import type { LiveToolCall } from './use-coach-reply'

export interface ToolCardData {
  key: string
  toolName: string
  input: unknown
  status: string
  error: string | null
  latencyMs: number | null
}

export function toolCardsOf(rows: ChatToolEventRow[] | undefined, live: LiveToolCall[]): ToolCardData[] {
  if (rows && rows.length >= live.length) {
    return rows.map((row) => ({
      key: row.id,
      toolName: row.toolName,
      input: row.arguments,
      status: row.status,
      error: row.error,
      latencyMs: row.latencyMs,
    }))
  }
  return live.map((tool) => ({
    key: tool.toolCallId,
    toolName: tool.toolName,
    input: tool.input,
    status: tool.status,
    error: tool.error ?? null,
    latencyMs: null,
  }))
}

function ToolCard({ tool }: { tool: ToolCardData }) {
  const args = tool.input && typeof tool.input === 'object' ? JSON.stringify(tool.input) : String(tool.input ?? '')
  return (
    <li
      className="flex flex-wrap items-center gap-x-2 gap-y-1 rounded-md border bg-muted/40 px-2 py-1.5 text-xs"
      data-testid="tool-call"
      data-status={tool.status}
    >
      <WrenchIcon className="size-3.5" aria-hidden />
      <span className="font-mono font-medium">{tool.toolName}</span>
      <code className="min-w-0 truncate font-mono text-muted-foreground">{args}</code>
      <span
        className={cn(
          'ml-auto rounded px-1.5 py-0.5 font-medium',
          tool.status === 'succeeded' && 'bg-emerald-500/15 text-emerald-800 dark:text-emerald-300',
          tool.status === 'failed' && 'bg-destructive/15 text-destructive',
          tool.status === 'executing' && 'bg-amber-500/15 text-amber-900 dark:text-amber-200',
        )}
      >
        {tool.status}
        {tool.latencyMs !== null ? ` · ${tool.latencyMs} ms` : ''}
      </span>
      {tool.error ? <span className="w-full text-destructive">{tool.error}</span> : null}
    </li>
  )
}

export function ContextChips({ sessionId, events }: { sessionId: string; events: ChatEventReference[] }) {
  if (events.length === 0) return null
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Events in this message">
      {events.map((event) => (
        <li key={event.displayIndex}>
          <Link
            to="/sessions/$sessionId"
            params={{ sessionId }}
            hash={String(event.displayIndex)}
            title={event.summary}
            className="inline-flex items-center rounded-full border px-2 py-0.5 text-xs hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            #{event.displayIndex} {event.eventType}
          </Link>
        </li>
      ))}
    </ul>
  )
}

export function MessageView({
  message,
  sessionId,
  text,
  tools,
}: {
  message: Pick<ChatMessageRow, 'id' | 'role' | 'status' | 'error' | 'model' | 'contextEvents'>
  sessionId: string
  /** The text to show (this tab's stream may be ahead of the row). */
  text: string
  tools: ToolCardData[]
}) {
  const isUser = message.role === 'user'
  const contextEvents = Array.isArray(message.contextEvents) ? (message.contextEvents as ChatEventReference[]) : []
  return (
    <li
      className={cn('flex flex-col gap-2', isUser ? 'items-end' : 'items-start')}
      data-testid={isUser ? 'user-message' : 'assistant-message'}
      data-status={message.status}
      data-message-id={message.id}
    >
      <div
        className={cn(
          'flex max-w-full flex-col gap-2 rounded-lg px-3 py-2 sm:max-w-[90%]',
          isUser ? 'bg-primary text-primary-foreground' : 'border bg-card',
        )}
      >
        <span className="sr-only">{isUser ? 'You said:' : 'Coach replied:'}</span>
        {tools.length ? (
          <ul className="flex flex-col gap-1">
            {tools.map((tool) => (
              <ToolCard key={tool.key} tool={tool} />
            ))}
          </ul>
        ) : null}
        {isUser ? (
          <p className="whitespace-pre-wrap text-sm [overflow-wrap:anywhere]">{text}</p>
        ) : (
          <Markdown text={text} sessionId={sessionId} />
        )}
        {!isUser && message.status === 'streaming' ? (
          <span className="inline-flex items-center gap-1 text-muted-foreground text-xs" role="status">
            <LoaderCircleIcon className="size-3.5 animate-spin" aria-hidden /> Writing…
          </span>
        ) : null}
        {!isUser && message.status === 'failed' ? (
          <p className="inline-flex items-start gap-1 text-destructive text-xs" data-testid="reply-error">
            <CircleAlertIcon className="mt-0.5 size-3.5 shrink-0" aria-hidden /> {message.error ?? 'The reply failed.'}
          </p>
        ) : null}
      </div>
      {isUser ? <ContextChips sessionId={sessionId} events={contextEvents} /> : null}
    </li>
  )
}
