/**
 * The tools a coach model may call while replying about a session. The server knows the session,
 * so the model names only event numbers. Every call is audited as a `chat_tool_events` row that
 * goes `executing` → `succeeded`/`failed` with its completion time and latency — the original
 * product left every such row at `executing`.
 */
import { tool } from 'ai'
import { z } from 'zod'
import type { Executor } from '~/db/client'
import { type EventDigest, eventDetail, eventHeading, eventReference } from '~/domain/coach/event-digest'
import { errorMessage } from '~/lib/error-message'
import { chatToolEventsRepository } from '~/server/repositories/chat-tool-events-repository'
import { coachContextRepository } from '~/server/repositories/coach-context-repository'

export const MAX_LISTED_EVENTS = 25

export interface ToolScope {
  db: Executor
  accountId: string
  sessionId: string
  threadId: string
  messageId: string
  eventCount: number
}

export const getTimelineEventInput = z.object({
  eventNumber: z.number().int().positive().describe('The 1-based event number, as shown in the timeline (#N).'),
})

export const listTimelineEventsInput = z
  .object({
    startNumber: z.number().int().positive().describe('First event number (1-based).'),
    endNumber: z.number().int().positive().optional().describe('Last event number (inclusive); defaults to the end.'),
    limit: z.number().int().min(1).max(MAX_LISTED_EVENTS).default(10).describe('At most 25 events.'),
  })
  .refine((input) => input.endNumber === undefined || input.endNumber >= input.startNumber, {
    message: 'endNumber must not be smaller than startNumber.',
  })

function toolOutput(events: EventDigest[]) {
  return {
    events: events.map((event) => ({
      eventNumber: event.number,
      heading: eventHeading(event),
      summary: eventDetail(event),
      eventType: event.type,
      exitCode: event.exitCode,
      context: eventReference(event),
    })),
  }
}
export type TimelineToolOutput = ReturnType<typeof toolOutput>

/** Runs one tool call inside its audit row: the row is completed whatever happens. */
async function audited(
  scope: ToolScope,
  call: { toolName: string; toolCallId: string; input: unknown },
  work: () => Promise<EventDigest[]>,
) {
  const { toolEvent } = await chatToolEventsRepository.startToolEvent(scope.db, {
    accountId: scope.accountId,
    sessionId: scope.sessionId,
    threadId: scope.threadId,
    messageId: scope.messageId,
    toolCallId: call.toolCallId,
    toolName: call.toolName,
    arguments: call.input,
  })
  try {
    const events = await work()
    const output = toolOutput(events)
    await chatToolEventsRepository.completeToolEvent(scope.db, {
      accountId: scope.accountId,
      id: toolEvent.id,
      outcome: 'succeeded',
      result: output,
      contextEvents: output.events.map((event) => event.context),
    })
    return output
  } catch (error) {
    await chatToolEventsRepository.completeToolEvent(scope.db, {
      accountId: scope.accountId,
      id: toolEvent.id,
      outcome: 'failed',
      error: errorMessage(error),
    })
    throw error
  }
}

export function createTimelineTools(scope: ToolScope) {
  return {
    get_timeline_event: tool({
      description: 'Read one event of the session timeline by its number (#N), with its full detail.',
      inputSchema: getTimelineEventInput,
      execute: (input, { toolCallId }) =>
        audited(scope, { toolName: 'get_timeline_event', toolCallId, input }, async () => {
          if (input.eventNumber > scope.eventCount) {
            throw new Error(
              `Event #${input.eventNumber} does not exist; the session has events #1–#${scope.eventCount}.`,
            )
          }
          return coachContextRepository.eventsByNumber(scope.db, scope.sessionId, [input.eventNumber])
        }),
    }),
    list_timeline_events: tool({
      description: 'List events of the session timeline from startNumber to endNumber (1-based, at most 25).',
      inputSchema: listTimelineEventsInput,
      execute: (input, { toolCallId }) =>
        audited(scope, { toolName: 'list_timeline_events', toolCallId, input }, async () => {
          if (input.startNumber > scope.eventCount) {
            throw new Error(
              `Event #${input.startNumber} does not exist; the session has events #1–#${scope.eventCount}.`,
            )
          }
          const end = Math.min(input.endNumber ?? scope.eventCount, scope.eventCount)
          return coachContextRepository.eventRange(scope.db, scope.sessionId, input.startNumber, end, input.limit)
        }),
    }),
  }
}
export type TimelineTools = ReturnType<typeof createTimelineTools>
