/**
 * The incremental ingest API's wire format, shared by the server routes and agent-push
 * (`cli/agent-push/`): query parameters (zod, with messages a person can act on) and answers.
 * docs/ingest.md, "Pushed logs", describes the protocol.
 */
import { z } from 'zod'

export const CHUNK_PATH = '/api/ingest/chunks'
export const OFFSETS_PATH = '/api/ingest/offsets'

/** A hostname as `os.hostname()` gives it: letters, digits, `-`, `_` and dots, at most 253 characters. */
export const machineSchema = z
  .string({ message: 'Add ?machine=<hostname of the machine the log is on>.' })
  .trim()
  .min(1, 'The machine parameter is empty; send the hostname of the machine the log is on.')
  .max(253, 'The machine name is longer than 253 characters.')
  .regex(
    /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/,
    'The machine name must be a hostname: letters, digits, "-" and "_", in labels separated by dots.',
  )

export const sourceKeySchema = z
  .string({ message: 'Add ?sourceKey=<the log’s path on that machine>.' })
  .min(1, 'The sourceKey parameter is empty; send the log’s path on that machine.')
  .max(1024, 'The sourceKey is longer than 1024 characters.')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  .refine((value) => !/[\u0000-\u001f\u007f]/.test(value), 'The sourceKey must not contain control characters.')

const offsetSchema = z
  .string({ message: 'Add ?offset=<byte position of this chunk in the log>.' })
  .regex(/^\d{1,15}$/, 'offset must be a whole, non-negative number of bytes.')
  .transform(Number)

export const chunkQuerySchema = z.object({
  machine: machineSchema,
  sourceKey: sourceKeySchema,
  offset: offsetSchema,
  fileName: z
    .string()
    .trim()
    .min(1, 'The fileName parameter is empty; leave it out or send the log’s file name.')
    .max(255, 'The fileName is longer than 255 characters.')
    .optional(),
  complete: z
    .enum(['true', 'false'], { message: 'complete must be true or false.' })
    .optional()
    .transform((value) => value === 'true'),
})
export type ChunkQuery = z.output<typeof chunkQuerySchema>

export const offsetsQuerySchema = z.object({ machine: machineSchema, sourceKey: sourceKeySchema.optional() })

/** `200` to a chunk: the server now has `offset` bytes of the log. */
export const chunkAcceptedSchema = z.object({
  offset: z.number(),
  appended: z.number(),
  sessionId: z.string().nullable(),
})

/** `409`/`415` to a chunk, and every other refusal: a message, and the server's offset when it has one. */
export const pushRefusalSchema = z.object({
  message: z.string(),
  reason: z.string().optional(),
  offset: z.number().optional(),
})

export const offsetsAnswerSchema = z.object({
  machine: z.string(),
  sources: z.array(
    z.object({
      sourceKey: z.string(),
      offset: z.number(),
      sessionId: z.string().nullable(),
      rejection: z.string().nullable(),
    }),
  ),
})
export type OffsetsAnswer = z.output<typeof offsetsAnswerSchema>

/** The file name of a source key (its last path segment). */
export function fileNameOf(sourceKey: string) {
  return sourceKey.split(/[\\/]/).pop() || sourceKey
}
