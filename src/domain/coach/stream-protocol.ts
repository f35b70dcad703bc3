/**
 * The coach's streaming protocol, shared by the endpoint and the browser: the request body of
 * `POST /api/coach/stream` and the NDJSON chunks it answers with (one JSON object per line).
 */
import { z } from 'zod'
import { CHAT_MODES } from './chat-kinds'

/** Longer prompts are refused with 400: they would not fit a model's context next to the session. */
export const MAX_PROMPT_CHARS = 16_000
/** At most this many events can be attached to one prompt ("add to coach" or `#N` references). */
export const MAX_ATTACHED_EVENTS = 25

/** What "add to coach" (timeline, misalignment review) attaches to a prompt; unknown keys are dropped. */
export const coachMetadataSchema = z.object({
  misalignmentId: z.string().trim().min(1).max(200).optional(),
  ruleId: z.string().trim().min(1).max(200).optional(),
  /** 1-based event numbers (`#N`) the user added to the coach. */
  eventNumbers: z
    .array(z.number().int().positive())
    .max(MAX_ATTACHED_EVENTS, `Attach at most ${MAX_ATTACHED_EVENTS} events to one prompt.`)
    .optional(),
  /** 0-based ordinals, as misalignments store them. */
  eventRange: z
    .object({ startIndex: z.number().int().min(0), endIndex: z.number().int().min(0) })
    .refine((range) => range.endIndex >= range.startIndex, 'eventRange.endIndex must not be before startIndex.')
    .optional(),
})
export type CoachMetadata = z.infer<typeof coachMetadataSchema>

export const coachStreamRequestSchema = z.object({
  sessionId: z.string().uuid('sessionId must be the id of a session (a UUID).'),
  mode: z.enum(CHAT_MODES, { message: "mode must be 'session' or 'general'." }).default('session'),
  prompt: z
    .string({ message: 'Send the prompt as text.' })
    .refine((text) => text.trim().length > 0, 'The prompt is empty; type a question for the coach.')
    .refine(
      (text) => text.length <= MAX_PROMPT_CHARS,
      `The prompt is longer than ${MAX_PROMPT_CHARS.toLocaleString('en')} characters; shorten it or attach events instead of pasting them.`,
    ),
  clientMessageId: z
    .string({ message: 'clientMessageId is required (a random id per message, reused when retrying).' })
    .trim()
    .min(1, 'clientMessageId is empty.')
    .max(100, 'clientMessageId is longer than 100 characters.'),
  threadId: z.string().trim().min(1).max(200).optional(),
  /** A model offered by the provider's model list; unset uses COACH_MODEL. */
  model: z.string().trim().min(1).max(200).optional(),
  metadata: coachMetadataSchema.optional(),
})
export type CoachStreamRequest = z.infer<typeof coachStreamRequestSchema>

export interface ContextSectionSummary {
  id: string
  heading: string
  tokens: number
  /** Left out or shortened to stay within the budget. */
  trimmed: boolean
}

export interface ContextSummary {
  sections: ContextSectionSummary[]
  usedTokens: number
  budgetTokens: number
}

export type CoachStreamChunk =
  | {
      type: 'start'
      threadId: string
      userMessageId: string
      assistantMessageId: string
      provider: string
      model: string
      context: ContextSummary
      /** The clientMessageId was sent before: nothing new was started, the rows already exist. */
      duplicate?: boolean
    }
  | { type: 'text-delta'; value: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-result'; toolCallId: string; toolName: string; output: unknown }
  | { type: 'tool-error'; toolCallId: string; toolName: string; error: string }
  | { type: 'done'; status: 'complete' | 'failed'; error?: string }
  | { type: 'error'; message: string }
