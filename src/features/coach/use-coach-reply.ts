/**
 * Sending a prompt from this tab and stopping a reply from any tab. The rows arrive through the
 * chat_* shapes on every device; the chunks of this tab's own request only make its view
 * immediate (the text as it streams, before the next 250 ms row update).
 */
import { useCallback, useRef, useState } from 'react'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import type { CoachMetadata, ContextSummary } from '~/domain/coach/stream-protocol'
import { randomUuid } from '~/lib/random-uuid'
import { stopCoachReply } from '~/server/functions/coach'
import { streamCoachReply } from './coach-stream-client'

export interface LiveToolCall {
  toolCallId: string
  toolName: string
  input: unknown
  status: 'executing' | 'succeeded' | 'failed'
  error?: string
}

export interface LocalReply {
  prompt: string
  assistantMessageId: string | null
  text: string
  tools: LiveToolCall[]
  provider: string | null
  model: string | null
  context: ContextSummary | null
}

export function useCoachReply(sessionId: string, mode: ChatMode) {
  const [local, setLocal] = useState<LocalReply | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [sending, setSending] = useState(false)
  const abort = useRef<AbortController | null>(null)

  const send = useCallback(
    async (input: { prompt: string; threadId: string | null; model: string | null; metadata?: CoachMetadata }) => {
      const controller = new AbortController()
      abort.current = controller
      setError(null)
      setSending(true)
      setLocal({
        prompt: input.prompt,
        assistantMessageId: null,
        text: '',
        tools: [],
        provider: null,
        model: null,
        context: null,
      })
      try {
        await streamCoachReply(
          {
            sessionId,
            mode,
            prompt: input.prompt,
            clientMessageId: randomUuid(),
            ...(input.threadId ? { threadId: input.threadId } : {}),
            ...(input.model ? { model: input.model } : {}),
            ...(input.metadata ? { metadata: input.metadata } : {}),
          },
          (chunk) =>
            setLocal((current) => {
              if (!current) return current
              switch (chunk.type) {
                case 'start':
                  return {
                    ...current,
                    assistantMessageId: chunk.assistantMessageId,
                    provider: chunk.provider,
                    model: chunk.model,
                    context: chunk.context,
                  }
                case 'text-delta':
                  return { ...current, text: current.text + chunk.value }
                case 'tool-call':
                  return {
                    ...current,
                    tools: [
                      ...current.tools,
                      {
                        toolCallId: chunk.toolCallId,
                        toolName: chunk.toolName,
                        input: chunk.input,
                        status: 'executing',
                      },
                    ],
                  }
                case 'tool-result':
                case 'tool-error':
                  return {
                    ...current,
                    tools: current.tools.map((tool) =>
                      tool.toolCallId === chunk.toolCallId
                        ? {
                            ...tool,
                            status: chunk.type === 'tool-result' ? 'succeeded' : 'failed',
                            ...(chunk.type === 'tool-error' ? { error: chunk.error } : {}),
                          }
                        : tool,
                    ),
                  }
                default:
                  return current
              }
            }),
          controller.signal,
        )
        return true
      } catch (caught) {
        if (controller.signal.aborted) return true
        setError(caught instanceof Error ? caught.message : String(caught))
        setLocal(null)
        return false
      } finally {
        setSending(false)
        if (abort.current === controller) abort.current = null
      }
    },
    [sessionId, mode],
  )

  /** Stops a streaming reply (this tab's or another device's). */
  const stop = useCallback(
    async (messageId: string) => {
      try {
        await stopCoachReply({ data: { sessionId, messageId } })
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught))
      }
      abort.current?.abort()
    },
    [sessionId],
  )

  return { local, error, sending, send, stop, clearError: () => setError(null) }
}
