/**
 * The `offline` provider: a language model (AI SDK specification v4) that needs no network. It
 * runs through the same `streamText` loop as a real model, so its replies use the same tools,
 * audit rows, throttled writes and NDJSON chunks: in its first step it calls the timeline tools
 * for the events the prompt names, in its second it composes the answer from their results and
 * the session context (`composeOfflineReply`), streamed a few words at a time.
 */
import { randomUUID } from 'node:crypto'
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4StreamPart,
  LanguageModelV4Usage,
} from '@ai-sdk/provider'
import { MAX_PROMPT_REFERENCES } from '~/domain/coach/event-references'
import { composeOfflineReply, type FetchedEvent, type OfflineQuestion } from '~/domain/coach/offline-answers'

export const OFFLINE_MODEL_ID = 'offline-coach'

export interface OfflineRequest extends Omit<OfflineQuestion, 'fetchedEvents'> {
  /** 1-based numbers of the events to fetch with the tools before answering. */
  eventNumbers: number[]
  /** Pause between streamed chunks, so a reply reads (and can be stopped) like a model's. */
  chunkDelayMs: number
}

const WORDS_PER_CHUNK = 3

const usage = (output: number): LanguageModelV4Usage => ({
  inputTokens: { total: 0, noCache: 0, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
})

function fetchedEventsOf(prompt: LanguageModelV4CallOptions['prompt']): FetchedEvent[] | undefined {
  const results = prompt.flatMap((message) => (message.role === 'tool' ? message.content : []))
  if (results.length === 0) return undefined
  const events = new Map<number, FetchedEvent>()
  for (const part of results) {
    if (part.type !== 'tool-result' || part.output.type !== 'json') continue
    const value = part.output.value as {
      events?: { eventNumber: number; eventType: string; summary: string; exitCode: number | null }[]
    }
    for (const event of value.events ?? []) {
      events.set(event.eventNumber, {
        number: event.eventNumber,
        type: event.eventType,
        detail: event.summary,
        exitCode: event.exitCode ?? null,
      })
    }
  }
  return [...events.values()].sort((a, b) => a.number - b.number)
}

function chunksOf(text: string) {
  const words = text.split(/(?<=\s)/)
  const chunks: string[] = []
  for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) chunks.push(words.slice(i, i + WORDS_PER_CHUNK).join(''))
  return chunks
}

const pause = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export function createOfflineModel(request: OfflineRequest): LanguageModelV4 {
  const stream = (options: LanguageModelV4CallOptions) =>
    new ReadableStream<LanguageModelV4StreamPart>({
      async start(controller) {
        try {
          controller.enqueue({ type: 'stream-start', warnings: [] })
          const fetched = fetchedEventsOf(options.prompt)
          const hasTools = (options.tools?.length ?? 0) > 0
          if (fetched === undefined && hasTools && request.mode === 'session' && request.eventNumbers.length > 0) {
            for (const eventNumber of request.eventNumbers.slice(0, MAX_PROMPT_REFERENCES * 3)) {
              controller.enqueue({
                type: 'tool-call',
                toolCallId: `offline_${randomUUID()}`,
                toolName: 'get_timeline_event',
                input: JSON.stringify({ eventNumber }),
              })
            }
            controller.enqueue({
              type: 'finish',
              usage: usage(0),
              finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            })
            controller.close()
            return
          }
          const text = composeOfflineReply({ ...request, fetchedEvents: fetched ?? [] })
          const id = randomUUID()
          controller.enqueue({ type: 'text-start', id })
          const chunks = chunksOf(text)
          for (const [index, delta] of chunks.entries()) {
            if (index > 0 && request.chunkDelayMs > 0) await pause(request.chunkDelayMs, options.abortSignal)
            controller.enqueue({ type: 'text-delta', id, delta })
          }
          controller.enqueue({ type: 'text-end', id })
          controller.enqueue({
            type: 'finish',
            usage: usage(chunks.length),
            finishReason: { unified: 'stop', raw: 'stop' },
          })
          controller.close()
        } catch (error) {
          controller.error(error)
        }
      },
    })

  return {
    specificationVersion: 'v4',
    provider: 'offline',
    modelId: OFFLINE_MODEL_ID,
    supportedUrls: {},
    async doGenerate() {
      throw new Error('The offline coach only streams.')
    },
    async doStream(options) {
      return { stream: stream(options) }
    },
  }
}
