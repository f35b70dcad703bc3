/**
 * One zod schema per Claude Code project-log entry (`~/.claude/projects/<project>/<session>.jsonl`).
 * Loose objects: only the named fields are read. Written from the logs in
 * tests/fixtures/agent-logs/claude-code (CLI 1.0.98 to 2.1.39).
 */
import { z } from 'zod'

const optionalText = z.string().nullish()

/** Fields every conversation line carries. */
export const lineBaseSchema = z.looseObject({
  type: z.string(),
  uuid: optionalText,
  sessionId: optionalText,
  timestamp: optionalText,
  isSidechain: z.boolean().nullish(),
  agentId: optionalText,
  cwd: optionalText,
  version: optionalText,
  gitBranch: optionalText,
  isMeta: z.boolean().nullish(),
  isCompactSummary: z.boolean().nullish(),
})

export const textBlockSchema = z.looseObject({ type: z.literal('text'), text: z.string() })
export const thinkingBlockSchema = z.looseObject({ type: z.literal('thinking'), thinking: z.string() })
export const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()).nullish(),
})
export const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string(), text: optionalText }))]).nullish(),
  is_error: z.boolean().nullish(),
})

/** Blocks are checked one by one (by their own schema) so an odd block does not spoil the line. */
const blockSchema = z.looseObject({ type: z.string() })

export const userLineSchema = lineBaseSchema.extend({
  message: z.looseObject({
    role: optionalText,
    content: z.union([z.string(), z.array(blockSchema)]),
  }),
  toolUseResult: z.unknown().optional(),
})

export const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
})

export const assistantLineSchema = lineBaseSchema.extend({
  message: z.looseObject({
    id: optionalText,
    model: optionalText,
    content: z.array(blockSchema),
    usage: usageSchema.nullish(),
  }),
})

export const summaryLineSchema = z.looseObject({ summary: z.string(), leafUuid: optionalText })

export const systemLineSchema = lineBaseSchema.extend({
  subtype: optionalText,
  content: optionalText,
  level: optionalText,
  durationMs: z.number().nullish(),
})

export const queueOperationSchema = lineBaseSchema.extend({
  operation: optionalText,
  content: optionalText,
})

export type Usage = z.infer<typeof usageSchema>
export type LineBase = z.infer<typeof lineBaseSchema>
