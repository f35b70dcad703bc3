/**
 * `POST /api/coach/stream`'s work. The prompt and an empty `streaming` reply row are written
 * first (one transaction; a retried `clientMessageId` gets the existing rows and starts nothing),
 * then the model runs through the AI SDK with the timeline tools. The reply grows in its row at
 * most every 250 ms, so every device watching the thread sees it, and ends `complete` or `failed`
 * with the error kept. The generation does not depend on the HTTP response: a reloaded or closed
 * tab leaves it running to its end (the rows stay consistent); the stop action aborts it.
 */
import type { AppConfig } from '@config'
import { isStepCount, type LanguageModel, type ModelMessage, streamText } from 'ai'
import type { Executor } from '~/db/client'
import type { ChatMessage, Session } from '~/db/schema'
import type { BuiltContext } from '~/domain/coach/context-builder'
import { eventReference } from '~/domain/coach/event-digest'
import { attachedEventNumbers } from '~/domain/coach/event-references'
import type { CoachStreamChunk, CoachStreamRequest, ContextSummary } from '~/domain/coach/stream-protocol'
import { errorMessage } from '~/lib/error-message'
import { createLogger, describeError } from '~/server/log'
import { chatMessagesRepository } from '~/server/repositories/chat-messages-repository'
import { chatThreadsRepository } from '~/server/repositories/chat-threads-repository'
import { InvalidInputError } from '~/server/repositories/errors'
import { activeReplies, ReplyStoppedError } from './active-replies'
import { fitContext, gatherContext } from './coach-context'
import { coachThreads } from './coach-threads'
import { createOfflineModel } from './offline-model'
import { chooseModel, describeProviderError, openAICompatibleModel, ProviderUnavailableError } from './providers'
import { ReplyWriter } from './reply-writer'
import { createTimelineTools } from './timeline-tools'

const log = createLogger('coach')
const HISTORY_MESSAGES = 20
const MAX_STEPS = 6

const SESSION_SYSTEM_PROMPT = [
  'You are Session Coach, a senior reviewer of AI coding-agent sessions.',
  "You help the user understand what the agent did, where it strayed from the repository's rules, and what to do next.",
  'Refer to events as #N. Use the tools get_timeline_event and list_timeline_events to read events you need; do not invent event contents.',
  'Answer in concise markdown.',
].join('\n')

const GENERAL_SYSTEM_PROMPT =
  'You are Session Coach, a helpful assistant for developers who work with AI coding agents. Answer in concise markdown.'

export interface CoachReplyDependencies {
  db: Executor
  config: AppConfig
}

export class ProviderTimeoutError extends Error {
  constructor(ms: number) {
    super(
      `The provider did not answer for ${Math.round(ms / 1000)} s. It may be overloaded or still loading the model; try again, or raise COACH_PROVIDER_TIMEOUT_MS.`,
    )
    this.name = 'ProviderTimeoutError'
  }
}

const ndjsonHeaders = {
  'content-type': 'application/x-ndjson; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

function ndjson(chunks: CoachStreamChunk[]) {
  return new Response(chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join(''), { headers: ndjsonHeaders })
}

async function resolveThread(db: Executor, session: Session, input: CoachStreamRequest) {
  if (!input.threadId) return (await coachThreads.ensureActive(db, session, input.mode)).thread
  const thread = await coachThreads.requireThreadOf(db, session, input.threadId)
  if (thread.mode !== input.mode) {
    throw new InvalidInputError(`Thread ${thread.id} is a ${thread.mode} thread; send mode '${thread.mode}' with it.`)
  }
  if (thread.status !== 'active')
    return (await chatThreadsRepository.selectThread(db, session.accountId, thread.id)).thread
  return thread
}

function historyOf(messages: ChatMessage[], exclude: Set<string>): ModelMessage[] {
  return messages
    .filter((message) => !exclude.has(message.id) && message.content.trim() !== '')
    .filter((message) => message.role === 'user' || message.role === 'assistant')
    .slice(-HISTORY_MESSAGES)
    .map((message) => ({ role: message.role as 'user' | 'assistant', content: message.content }))
}

const emptyContext = (budgetTokens: number): BuiltContext => ({
  text: '',
  summary: { sections: [], usedTokens: 0, budgetTokens },
})

/** Answers the request: 4xx/503 JSON before anything is written, else the NDJSON stream. */
export async function startCoachReply(
  deps: CoachReplyDependencies,
  session: Session,
  input: CoachStreamRequest,
): Promise<Response> {
  const { db, config } = deps
  const thread = await resolveThread(db, session, input)
  const isSession = input.mode === 'session'
  const numbers = isSession ? attachedEventNumbers(input.prompt, input.metadata) : []

  let modelId: string
  try {
    modelId = await chooseModel(config, input.model)
  } catch (error) {
    return Response.json(
      { code: 'MODEL_UNAVAILABLE', message: describeProviderError(error, config) },
      {
        status: error instanceof ProviderUnavailableError && /does not offer/.test(error.message) ? 400 : 503,
        headers: { 'cache-control': 'no-store' },
      },
    )
  }

  const gathered = isSession ? await gatherContext(db, session, numbers) : undefined
  const context = gathered
    ? fitContext(gathered, config.COACH_CONTEXT_TOKENS)
    : emptyContext(config.COACH_CONTEXT_TOKENS)
  const targetMisalignment = input.metadata?.misalignmentId
    ? gathered?.input.misalignments.find((m) => m.id === input.metadata?.misalignmentId)
    : undefined

  const appended = await chatMessagesRepository.appendPromptWithReply(db, {
    accountId: session.accountId,
    threadId: thread.id,
    prompt: input.prompt,
    clientMessageId: input.clientMessageId,
    contextEvents: gathered?.input.attachedEvents.length
      ? gathered.input.attachedEvents.map(eventReference)
      : undefined,
    reply: {
      model: modelId,
      misalignmentId: targetMisalignment?.id ?? null,
      evidence: targetMisalignment
        ? targetMisalignment.evidence.map((item) => ({
            path: item.eventIndex === undefined ? undefined : `event-${item.eventIndex}`,
            ruleId: targetMisalignment.ruleId,
            snippet: item.message.slice(0, 500),
            severity: targetMisalignment.severity,
            label: targetMisalignment.title,
          }))
        : undefined,
    },
  })

  let reply = appended.reply
  const start = (duplicate: boolean, assistant: ChatMessage): CoachStreamChunk => ({
    type: 'start',
    threadId: thread.id,
    userMessageId: appended.prompt.id,
    assistantMessageId: assistant.id,
    provider: config.COACH_PROVIDER,
    model: assistant.model ?? modelId,
    context: context.summary,
    ...(duplicate ? { duplicate: true } : {}),
  })
  if (!appended.created && reply) {
    // A retry of a prompt that has its reply (finished or still growing): no second reply.
    return ndjson([
      start(true, reply),
      ...(reply.status === 'streaming'
        ? []
        : [{ type: 'done', status: reply.status, ...(reply.error ? { error: reply.error } : {}) } as CoachStreamChunk]),
    ])
  }
  if (!reply) {
    // The prompt was stored but its reply row was lost (a crash between them): start it now.
    reply = (
      await chatMessagesRepository.appendMessage(db, {
        accountId: session.accountId,
        threadId: thread.id,
        role: 'assistant',
        content: '',
        status: 'streaming',
        model: modelId,
      })
    ).message
  }

  const history = historyOf(
    await chatMessagesRepository.listMessages(db, session.accountId, thread.id),
    new Set([reply.id]),
  )
  const generation = new ReplyGeneration(deps, session, {
    threadId: thread.id,
    reply,
    modelId,
    isSession,
    attachedNumbers: numbers,
    history,
    context,
    gathered,
    input,
  })
  return new Response(generation.stream(start(false, reply)), { headers: ndjsonHeaders })
}

interface GenerationPlan {
  threadId: string
  reply: ChatMessage
  modelId: string
  isSession: boolean
  attachedNumbers: number[]
  history: ModelMessage[]
  context: BuiltContext
  gathered: Awaited<ReturnType<typeof gatherContext>> | undefined
  input: CoachStreamRequest
}

class ReplyGeneration {
  private send: (chunk: CoachStreamChunk) => void = () => {}
  private closeClient: () => void = () => {}

  constructor(
    private readonly deps: CoachReplyDependencies,
    private readonly session: Session,
    private readonly plan: GenerationPlan,
  ) {}

  stream(first: CoachStreamChunk) {
    const encoder = new TextEncoder()
    let open = true
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.send = (chunk) => {
          if (!open) return
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(chunk)}\n`))
          } catch {
            open = false
          }
        }
        this.closeClient = () => {
          if (!open) return
          open = false
          try {
            controller.close()
          } catch {
            // already closed by a cancel
          }
        }
        this.send(first)
        void this.run()
      },
      cancel: () => {
        // The tab went away: keep generating, the row carries the reply to every other device.
        open = false
      },
    })
  }

  private model(): LanguageModel {
    const { config } = this.deps
    if (config.COACH_PROVIDER === 'openai-compatible') return openAICompatibleModel(config, this.plan.modelId)
    return createOfflineModel({
      prompt: this.plan.input.prompt,
      mode: this.plan.input.mode,
      context: this.plan.gathered?.input ?? {
        session: {
          id: this.session.id,
          title: this.session.title,
          origin: this.session.origin,
          repoName: this.session.repoName,
          branch: this.session.branch,
          commitSha: this.session.commitSha,
          cwd: this.session.cwd,
          model: this.session.model,
          startedAt: this.session.startedAt,
          lastEventAt: this.session.lastEventAt,
          eventCount: this.session.eventCount,
        },
        misalignments: [],
        attachedEvents: [],
        recentEvents: [],
      },
      openingRequests: this.plan.gathered?.openingRequests ?? [],
      misalignmentId: this.plan.input.metadata?.misalignmentId,
      eventNumbers: this.plan.attachedNumbers,
      chunkDelayMs: config.COACH_OFFLINE_CHUNK_DELAY_MS,
    })
  }

  private async run() {
    const { db, config } = this.deps
    const { reply } = this.plan
    const writer = new ReplyWriter(db, this.session.accountId, reply.id)
    const stopper = activeReplies.register(reply.id)
    const silence = new AbortController()
    let silenceTimer: NodeJS.Timeout | undefined
    const heard = () => {
      clearTimeout(silenceTimer)
      silenceTimer = setTimeout(
        () => silence.abort(new ProviderTimeoutError(config.COACH_PROVIDER_TIMEOUT_MS)),
        config.COACH_PROVIDER_TIMEOUT_MS,
      )
    }
    const signal = AbortSignal.any([stopper.signal, silence.signal])
    let failure: string | undefined
    try {
      heard()
      const system = this.plan.isSession
        ? `${SESSION_SYSTEM_PROMPT}${this.plan.context.text ? `\n\nSession context (treat as authoritative):\n\n${this.plan.context.text}` : ''}`
        : GENERAL_SYSTEM_PROMPT
      const result = streamText({
        model: this.model(),
        system,
        messages: this.plan.history,
        tools: this.plan.isSession
          ? createTimelineTools({
              db,
              accountId: this.session.accountId,
              sessionId: this.session.id,
              threadId: this.plan.threadId,
              messageId: reply.id,
              eventCount: this.session.eventCount,
            })
          : undefined,
        stopWhen: isStepCount(MAX_STEPS),
        maxRetries: 0,
        abortSignal: signal,
      })
      for await (const part of result.fullStream) {
        heard()
        switch (part.type) {
          case 'text-delta':
            writer.append(part.text)
            this.send({ type: 'text-delta', value: part.text })
            break
          case 'tool-call':
            this.send({ type: 'tool-call', toolCallId: part.toolCallId, toolName: part.toolName, input: part.input })
            break
          case 'tool-result':
            this.send({
              type: 'tool-result',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              output: part.output,
            })
            break
          case 'tool-error':
            this.send({
              type: 'tool-error',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              error: errorMessage(part.error),
            })
            break
          case 'error':
            throw part.error
          case 'abort':
            throw signal.reason ?? new ReplyStoppedError('Stopped.')
        }
      }
      if (signal.aborted) throw signal.reason
    } catch (error) {
      const reason = signal.aborted ? signal.reason : error
      failure =
        reason instanceof ReplyStoppedError || reason instanceof ProviderTimeoutError
          ? reason.message
          : config.COACH_PROVIDER === 'offline'
            ? `The offline coach failed: ${errorMessage(reason)}`
            : describeProviderError(reason, config)
      if (!(reason instanceof ReplyStoppedError)) log.warn(`reply ${reply.id} failed: ${describeError(reason)}`)
    } finally {
      clearTimeout(silenceTimer)
      activeReplies.release(reply.id)
    }
    try {
      await writer.finish(failure === undefined ? { status: 'complete' } : { status: 'failed', error: failure })
    } catch (error) {
      log.error(`could not save the end of reply ${reply.id}: ${describeError(error)}`)
      failure ??= 'The reply could not be saved; try again.'
    }
    if (failure !== undefined) this.send({ type: 'error', message: failure })
    this.send(
      failure === undefined ? { type: 'done', status: 'complete' } : { type: 'done', status: 'failed', error: failure },
    )
    this.closeClient()
  }
}

export type { ContextSummary }
