/**
 * One zod schema per Codex rollout entry. Objects are loose: Codex adds fields often, and only
 * the fields named here are read. Written from the rollouts in tests/fixtures/agent-logs/codex.
 */
import { z } from 'zod'

const text = z.string()
const optionalText = z.string().nullish()

/** `{timestamp, type, payload}`: every line of the envelope format (CLI ≥ 0.3x). */
export const envelopeSchema = z.looseObject({
  timestamp: optionalText,
  type: z.string(),
  payload: z.unknown(),
})

export const sessionMetaSchema = z.looseObject({
  id: text,
  timestamp: optionalText,
  cwd: optionalText,
  originator: optionalText,
  cli_version: optionalText,
  git: z
    .looseObject({
      commit_hash: optionalText,
      branch: optionalText,
      repository_url: optionalText,
    })
    .nullish(),
})

/** The first line of the older bare format: the meta object itself, without `type`. */
export const bareMetaSchema = sessionMetaSchema.extend({ timestamp: text })

export const turnContextSchema = z.looseObject({ model: optionalText, cwd: optionalText })

export const compactedSchema = z.looseObject({ message: optionalText })

export const eventMsgSchema = z.looseObject({ type: z.string() })

const tokenUsageSchema = z.looseObject({
  input_tokens: z.number(),
  cached_input_tokens: z.number().nullish(),
  output_tokens: z.number(),
  reasoning_output_tokens: z.number().nullish(),
})

export const tokenCountSchema = z.looseObject({
  info: z.looseObject({ total_token_usage: tokenUsageSchema.nullish() }).nullish(),
})

export const userMessageSchema = z.looseObject({ message: z.string() })

const contentPartSchema = z.looseObject({ type: z.string(), text: optionalText })

export const messageItemSchema = z.looseObject({
  role: text,
  content: z.union([z.array(contentPartSchema), z.string()]).nullish(),
})

export const reasoningItemSchema = z.looseObject({
  summary: z.array(contentPartSchema).nullish(),
  content: z.union([z.array(contentPartSchema), z.string()]).nullish(),
  encrypted_content: optionalText,
})

export const functionCallSchema = z.looseObject({
  name: text,
  arguments: z.unknown().optional(),
  call_id: text,
})

/** `output` is a string (possibly JSON `{output, metadata}`), or structured content in newer CLIs. */
export const callOutputSchema = z.looseObject({
  call_id: text,
  output: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]),
})

export const customToolCallSchema = z.looseObject({
  name: text,
  input: z.unknown().optional(),
  call_id: text,
  status: optionalText,
})

export const localShellCallSchema = z.looseObject({
  call_id: optionalText,
  id: optionalText,
  status: optionalText,
  action: z.looseObject({
    type: optionalText,
    command: z.array(z.string()),
    working_directory: optionalText,
    timeout_ms: z.number().nullish(),
  }),
})

export const webSearchCallSchema = z.looseObject({
  status: optionalText,
  action: z
    .looseObject({ type: optionalText, query: optionalText, url: optionalText, pattern: optionalText })
    .nullish(),
})

/** Arguments of `exec_command` (`cmd`), `shell` (`command` argv) and `shell_command` (`command` string). */
export const shellArgumentsSchema = z.looseObject({
  cmd: z.union([z.string(), z.array(z.string())]).nullish(),
  command: z.union([z.string(), z.array(z.string())]).nullish(),
  workdir: optionalText,
  cwd: optionalText,
})
