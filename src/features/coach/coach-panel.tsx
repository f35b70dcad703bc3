/**
 * The coach for one session, self-contained so it can be its own page or sit beside the
 * timeline: mode, threads, the conversation (live from the chat_* shapes on every device), the
 * composer with stop, provider/model and the context budget.
 */
import { MessagesSquareIcon, SendIcon, SquareIcon } from 'lucide-react'
import { type FormEvent, type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react'
import { Alert, AlertDescription } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import { type CoachMetadata, type ContextSummary, MAX_PROMPT_CHARS } from '~/domain/coach/stream-protocol'
import { errorMessage } from '~/lib/error-message'
import { cn } from '~/lib/utils'
import { previewCoachContext } from '~/server/functions/coach'
import { MessageView, toolCardsOf } from './message-view'
import { ProviderBar, useChosenModel, useProviderStatus } from './provider-bar'
import { ThreadList } from './thread-list'
import { useCoachMessages } from './use-coach-messages'
import { useCoachReply } from './use-coach-reply'
import { useCoachThreads } from './use-coach-threads'

export interface CoachPrefillInput {
  prompt: string
  metadata?: CoachMetadata
}

const MODES: { value: ChatMode; label: string }[] = [
  { value: 'session', label: 'About this session' },
  { value: 'general', label: 'General' },
]

function useContextPreview(sessionId: string, mode: ChatMode, prompt: string, metadata: CoachMetadata | undefined) {
  const [summary, setSummary] = useState<ContextSummary | null>(null)
  const references = (prompt.match(/#\d{1,6}\b/g) ?? []).join(',')
  useEffect(() => {
    if (mode !== 'session') {
      setSummary(null)
      return
    }
    let cancelled = false
    const timer = setTimeout(() => {
      previewCoachContext({ data: { sessionId, prompt: references.replaceAll(',', ' '), metadata } })
        .then((answer) => !cancelled && setSummary(answer))
        .catch(() => {})
    }, 300)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [sessionId, mode, references, metadata])
  return summary
}

export function CoachPanel({
  sessionId,
  prefill,
  heading = 'Coach',
}: {
  sessionId: string
  prefill?: CoachPrefillInput | null
  /** The panel's h2: "Coach" beside a timeline; the coach page, whose h1 already says so, names the chat. */
  heading?: string
}) {
  const [mode, setMode] = useState<ChatMode>('session')
  const [prompt, setPrompt] = useState(prefill?.prompt ?? '')
  const [metadata, setMetadata] = useState<CoachMetadata | undefined>(prefill?.metadata)
  const [actionError, setActionError] = useState<string | null>(null)
  const promptId = useId()
  const list = useRef<HTMLOListElement>(null)

  useEffect(() => {
    if (prefill) {
      setPrompt(prefill.prompt)
      setMetadata(prefill.metadata)
    }
  }, [prefill])

  const threads = useCoachThreads(sessionId, mode)
  const threadId = threads.active?.id ?? null
  const { messages, toolsByMessage, isReady } = useCoachMessages(sessionId, threadId)
  const reply = useCoachReply(sessionId, mode)
  const provider = useProviderStatus()
  const model = useChosenModel(provider.status)
  const context = useContextPreview(sessionId, mode, prompt, metadata)

  const streaming = messages.find((message) => message.role === 'assistant' && message.status === 'streaming')
  const local = reply.local
  // This tab's own reply can be stopped as soon as the server names it, before its row arrives.
  const stoppable = streaming?.id ?? (reply.sending ? local?.assistantMessageId : null) ?? null
  const promptStored = local ? messages.some((m) => m.role === 'user' && m.content === local.prompt) : false
  const showPending = reply.sending && local !== null && !promptStored

  const lastLength = messages.at(-1)?.content.length ?? 0
  const scrollKey = `${messages.length}:${lastLength}:${local?.text.length ?? 0}`
  useEffect(() => {
    if (scrollKey) list.current?.lastElementChild?.scrollIntoView?.({ block: 'end' })
  }, [scrollKey])

  const run = (work: () => Promise<unknown>) => {
    setActionError(null)
    work().catch((error) => setActionError(errorMessage(error)))
  }

  const submit = async (event?: FormEvent) => {
    event?.preventDefault()
    const text = prompt.trim()
    if (!text || reply.sending) return
    const sent = metadata
    setPrompt('')
    setMetadata(undefined)
    const ok = await reply.send({ prompt: text, threadId, model, metadata: mode === 'session' ? sent : undefined })
    if (!ok) {
      setPrompt(text)
      setMetadata(sent)
    }
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      void submit()
    }
  }

  const modeName = useMemo(() => MODES.find((m) => m.value === mode)?.label ?? mode, [mode])

  return (
    <section
      aria-labelledby={`${promptId}-title`}
      className="@container flex min-w-0 flex-col gap-4"
      data-testid="coach-panel"
    >
      <div className="flex flex-col gap-3 @lg:flex-row @lg:items-start @lg:justify-between">
        <h2 id={`${promptId}-title`} className="font-semibold text-lg">
          {heading}
        </h2>
        <fieldset className="flex gap-1 rounded-lg border p-1" aria-label="Coach mode">
          {MODES.map((option) => (
            <label
              key={option.value}
              className={cn(
                'cursor-pointer rounded-md px-2.5 py-1 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-ring',
                mode === option.value ? 'bg-primary text-primary-foreground' : 'hover:bg-accent',
              )}
            >
              <input
                type="radio"
                name={`${promptId}-mode`}
                value={option.value}
                checked={mode === option.value}
                onChange={() => setMode(option.value)}
                className="sr-only"
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      </div>
      <ProviderBar status={provider.status} failure={provider.failure} model={model} context={context} />
      {/* Sized by the panel's own width (a container query), not the screen's: beside the timeline it is
          narrow even on a wide screen. */}
      <div className="grid min-w-0 gap-4 @3xl:grid-cols-[14rem_minmax(0,1fr)]">
        {threads.isReady ? (
          <ThreadList
            threads={threads.threads}
            activeId={threadId}
            onNewChat={() => run(threads.newChat)}
            onAction={(id, action) => run(() => threads.act(id, action))}
            onRename={(id, title) => run(() => threads.rename(id, title))}
          />
        ) : (
          <Skeleton className="h-24 w-full" />
        )}
        <div className="flex min-w-0 flex-col gap-3">
          {actionError ? (
            <Alert variant="destructive">
              <AlertDescription>{actionError}</AlertDescription>
            </Alert>
          ) : null}
          {/* Scrolls on its own once the conversation is long: keyboard users reach it with Tab and
              scroll it with the arrow keys (WCAG 2.1.1; axe scrollable-region-focusable). */}
          <section
            className="max-h-[60vh] min-h-40 overflow-y-auto rounded-lg border bg-background p-3 focus-visible:outline-2 focus-visible:outline-ring"
            aria-label="Conversation"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be focusable to scroll by keyboard
            tabIndex={0}
            aria-live="polite"
            aria-busy={Boolean(streaming)}
          >
            {!threadId || !isReady ? (
              <div className="flex flex-col gap-2" aria-hidden>
                <Skeleton className="h-10 w-2/3" />
                <Skeleton className="ml-auto h-10 w-1/2" />
              </div>
            ) : messages.length === 0 && !showPending ? (
              <div className="flex flex-col items-center gap-2 py-8 text-center text-muted-foreground text-sm">
                <MessagesSquareIcon className="size-6" aria-hidden />
                <p>
                  No messages in this thread yet.{' '}
                  {mode === 'session'
                    ? 'Ask for a summary, commit messages, or mention an event like #12.'
                    : 'Ask anything.'}
                </p>
              </div>
            ) : (
              <ol ref={list} className="flex flex-col gap-3" aria-label={`Messages (${modeName})`}>
                {messages.map((message) => {
                  const isLocal = local?.assistantMessageId === message.id
                  const text =
                    isLocal && message.status === 'streaming' && local.text.length > message.content.length
                      ? local.text
                      : message.content
                  return (
                    <MessageView
                      key={message.id}
                      message={message}
                      sessionId={sessionId}
                      text={text}
                      tools={toolCardsOf(toolsByMessage.get(message.id), isLocal ? local.tools : [])}
                    />
                  )
                })}
                {showPending && local ? (
                  <MessageView
                    message={{
                      id: 'pending',
                      role: 'user',
                      status: 'streaming',
                      error: null,
                      model: null,
                      contextEvents: null,
                    }}
                    sessionId={sessionId}
                    text={local.prompt}
                    tools={[]}
                  />
                ) : null}
              </ol>
            )}
          </section>
          {reply.error ? (
            <Alert variant="destructive" data-testid="coach-error">
              <AlertDescription>{reply.error}</AlertDescription>
            </Alert>
          ) : null}
          <form onSubmit={submit} className="flex flex-col gap-2">
            <label htmlFor={promptId} className="font-medium text-sm">
              Message the coach
            </label>
            {metadata ? (
              <p className="text-muted-foreground text-xs" data-testid="attached-context">
                Attached:
                {metadata.eventRange
                  ? ` events #${metadata.eventRange.startIndex + 1}–#${metadata.eventRange.endIndex + 1}`
                  : ''}
                {metadata.eventNumbers?.length ? ` events ${metadata.eventNumbers.map((n) => `#${n}`).join(', ')}` : ''}
                {metadata.misalignmentId ? ' a misalignment to review' : ''}{' '}
                <button type="button" className="underline underline-offset-2" onClick={() => setMetadata(undefined)}>
                  remove
                </button>
              </p>
            ) : null}
            <textarea
              id={promptId}
              value={prompt}
              onChange={(event) => setPrompt(event.target.value)}
              onKeyDown={onKeyDown}
              rows={3}
              maxLength={MAX_PROMPT_CHARS}
              placeholder={
                mode === 'session'
                  ? 'e.g. Summarize the session · Explain #12 · Suggest commit messages'
                  : 'Ask anything'
              }
              className="w-full resize-y rounded-md border border-input bg-card px-3 py-2 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40"
            />
            <div className="flex items-center justify-end gap-2">
              <span className="mr-auto text-muted-foreground text-xs">Enter sends · Shift+Enter for a new line</span>
              {/* Always rendered (disabled when idle): a reply's rows update many times a second, and a
                  button that came and went with them would be hard to hit. */}
              <Button
                type="button"
                variant="outline"
                disabled={!stoppable}
                onClick={() => stoppable && void reply.stop(stoppable)}
              >
                <SquareIcon aria-hidden /> Stop
              </Button>
              <Button type="submit" disabled={!prompt.trim() || reply.sending || Boolean(streaming)}>
                <SendIcon aria-hidden /> Send
              </Button>
            </div>
          </form>
        </div>
      </div>
    </section>
  )
}
