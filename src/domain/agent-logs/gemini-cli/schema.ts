/**
 * One zod schema per Gemini CLI entry. Loose objects: only the named fields are read. Written
 * from the chat files in tests/fixtures/agent-logs/gemini-cli and gemini-cli's
 * chatRecordingService (ConversationRecord / MessageRecord / ToolCallRecord).
 */
import { z } from 'zod'

const optionalText = z.string().nullish()

/** A Part: `{text}`, `{functionCall}`, `{functionResponse}`, `{thought: true, text}`, … */
export const partSchema = z.looseObject({
  text: optionalText,
  thought: z.boolean().nullish(),
  functionCall: z.looseObject({ id: optionalText, name: z.string(), args: z.unknown().optional() }).nullish(),
  functionResponse: z.looseObject({ id: optionalText, name: optionalText, response: z.unknown().optional() }).nullish(),
})

const contentSchema = z.union([z.string(), z.array(partSchema), partSchema])

/** Line 1 of a JSONL chat file, or the top-level fields of a legacy JSON chat file. */
export const conversationHeaderSchema = z.looseObject({
  sessionId: z.string(),
  projectHash: optionalText,
  startTime: optionalText,
  lastUpdated: optionalText,
  kind: optionalText,
})

export const toolCallSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).nullish(),
  result: z.unknown().optional(),
  status: optionalText,
  timestamp: optionalText,
  resultDisplay: z.unknown().optional(),
  displayName: optionalText,
  description: optionalText,
})

export const tokensSchema = z.looseObject({
  input: z.number().nullish(),
  output: z.number().nullish(),
  cached: z.number().nullish(),
  thoughts: z.number().nullish(),
  tool: z.number().nullish(),
  total: z.number().nullish(),
})

export const thoughtSchema = z.looseObject({
  subject: optionalText,
  description: optionalText,
  timestamp: optionalText,
})

/** `type` is `user`, `gemini`, `info`, `error` or `warning`. */
export const messageRecordSchema = z.looseObject({
  id: z.string(),
  timestamp: optionalText,
  type: z.string(),
  content: contentSchema.nullish(),
  displayContent: contentSchema.nullish(),
  thoughts: z.array(thoughtSchema).nullish(),
  tokens: tokensSchema.nullish(),
  model: optionalText,
  toolCalls: z.array(toolCallSchema).nullish(),
})

export type MessageRecord = z.infer<typeof messageRecordSchema>
export type ToolCallRecord = z.infer<typeof toolCallSchema>

/** JSONL metadata patch. */
export const setPatchSchema = z.looseObject({ $set: z.record(z.string(), z.unknown()) })

/** JSONL rewind marker: the conversation continues from this message id. */
export const rewindSchema = z.looseObject({ $rewindTo: z.string() })

/** An item of a checkpoint's history (`/chat save` files and `/restore` checkpoints). */
export const checkpointContentSchema = z.looseObject({
  role: z.string(),
  parts: z.array(partSchema),
})
