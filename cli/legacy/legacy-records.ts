/**
 * The record formats of the original product's data files (docs/legacy-import.md, "The original product's files")
 * and their validation. A record that passes comes back storable, with every repair listed.
 */
import { z } from 'zod'
import { CHAT_MODES, MESSAGE_ROLES, THREAD_STATUSES, TOOL_EVENT_STATUSES } from '~/domain/coach/chat-kinds'
import { LEGACY_ID_PREFIXES, type LegacyKind } from './legacy-files'
import type { ElementFacts } from './read-json-array'
import { repairText, type TextRepairKind } from './text-repair'

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

const instant = z.string().refine((value) => ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value)), {
  message: 'must be an ISO 8601 timestamp such as 2025-12-15T09:00:28.990Z',
})

const recordId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}[A-Za-z0-9_-]+$`), `must look like ${prefix}<uuid>`)

/** Session ids are derived strings (`session-<hex>`, `session-default`); NUL would change their identity. */
const sessionKey = z
  .string()
  .min(1, 'must not be empty')
  .refine((value) => !value.includes('\u0000'), 'must not contain NUL characters')

/** A JSON value that must be present (JSON cannot produce `undefined`, so presence is the check). */
const requiredJson = z.custom<unknown>((value) => value !== undefined, 'is missing')

const chatEventReference = z.looseObject({
  eventIndex: z.number().int(),
  displayIndex: z.number().int(),
  eventId: z.string().optional(),
  eventType: z.string(),
  summary: z.string(),
})

const messageEvidence = z.looseObject({
  path: z.string().optional(),
  ruleId: z.string().optional(),
  snippet: z.string().optional(),
  severity: z.string().optional(),
  label: z.string().optional(),
})

export const legacyThreadSchema = z.object({
  id: recordId(LEGACY_ID_PREFIXES.threads),
  sessionId: sessionKey,
  mode: z.enum(CHAT_MODES),
  title: z.string(),
  status: z.enum(THREAD_STATUSES),
  // Recomputed on import, so only their type is checked.
  messageCount: z.number().optional(),
  lastMessagePreview: z.string().optional(),
  lastMessageAt: z.string().optional(),
  createdAt: instant,
  updatedAt: instant,
})

export const legacyMessageSchema = z.object({
  id: recordId(LEGACY_ID_PREFIXES.messages),
  sessionId: sessionKey,
  mode: z.enum(CHAT_MODES),
  // Old files lacked it; `null` is read the same way.
  threadId: recordId(LEGACY_ID_PREFIXES.threads).nullish(),
  role: z.enum(MESSAGE_ROLES),
  content: z.string(),
  clientMessageId: z.string().optional(),
  misalignmentId: z.string().optional(),
  evidence: z.array(messageEvidence).optional(),
  contextEvents: z.array(chatEventReference).optional(),
  createdAt: instant,
  updatedAt: instant,
})

export const legacyToolEventSchema = z.object({
  id: recordId(LEGACY_ID_PREFIXES.toolEvents),
  sessionId: sessionKey,
  threadId: recordId(LEGACY_ID_PREFIXES.threads).nullable(),
  toolCallId: z.string().nullable(),
  toolName: z.string().min(1, 'must not be empty'),
  status: z.enum(TOOL_EVENT_STATUSES),
  arguments: requiredJson,
  result: z.unknown().optional(),
  error: z.string().optional(),
  startedAt: instant,
  completedAt: instant.optional(),
  latencyMs: z.number().int().min(-2_147_483_648).max(2_147_483_647).optional(),
  contextEvents: z.array(chatEventReference).optional(),
})

export type LegacyThread = z.infer<typeof legacyThreadSchema>
export type LegacyMessage = z.infer<typeof legacyMessageSchema>
export type LegacyToolEvent = z.infer<typeof legacyToolEventSchema>

export interface LegacyRecordTypes {
  threads: LegacyThread
  messages: LegacyMessage
  toolEvents: LegacyToolEvent
}

const SCHEMAS = {
  threads: legacyThreadSchema,
  messages: legacyMessageSchema,
  toolEvents: legacyToolEventSchema,
} as const

const TIMESTAMP_FIELDS: Record<LegacyKind, readonly string[]> = {
  threads: ['createdAt', 'updatedAt'],
  messages: ['createdAt', 'updatedAt'],
  toolEvents: ['startedAt', 'completedAt'],
}

/** The original writer always serialized these two keys on tool events, `null` when absent. */
const ALWAYS_PRESENT_NULLABLE_FIELDS: Partial<Record<LegacyKind, readonly string[]>> = {
  toolEvents: ['threadId', 'toolCallId'],
}

/**
 * Deepest nesting a record may have (the record object is level 1). The original product's records
 * nest a few levels; the bound keeps every recursive step after parsing (repairs, serialising for
 * Postgres) far from the stack limit, so a hostile file gets a clear refusal instead of a crash.
 */
export const MAX_RECORD_DEPTH = 64

export type RecordRepairKind =
  | TextRepairKind
  | 'invalid-utf8-replaced'
  | 'unknown-fields-dropped'
  | 'timestamp-normalized'
  | 'absent-field-set-to-null'

export interface RecordRepair {
  kind: RecordRepairKind
  detail: string
}

export type LegacyRecordValidation<K extends LegacyKind> =
  | { outcome: 'missing-id' }
  | { outcome: 'invalid'; id?: string; reason: string }
  | { outcome: 'valid'; record: LegacyRecordTypes[K]; repairs: RecordRepair[] }

const describeType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value)

function describeIssues(error: z.ZodError) {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'} ${issue.message}`)
    .join('; ')
}

/**
 * Validates one array element of a legacy file. Records without an id are reported separately:
 * the original product silently skipped them while loading, so they never existed for users.
 */
export function validateLegacyRecord<K extends LegacyKind>(
  kind: K,
  raw: unknown,
  facts?: ElementFacts,
): LegacyRecordValidation<K> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { outcome: 'invalid', reason: `expected an object, found ${describeType(raw)}` }
  }
  const input = raw as Record<string, unknown>
  if (input.id === undefined || input.id === null || input.id === '') return { outcome: 'missing-id' }
  if (facts && facts.depth > MAX_RECORD_DEPTH) {
    return {
      outcome: 'invalid',
      id: typeof input.id === 'string' ? input.id : undefined,
      reason: `(record) is nested ${facts.depth} levels deep; the import accepts at most ${MAX_RECORD_DEPTH} levels`,
    }
  }
  const withNulls = { ...input }
  for (const field of ALWAYS_PRESENT_NULLABLE_FIELDS[kind] ?? []) withNulls[field] ??= null
  const parsed = SCHEMAS[kind].safeParse(withNulls)
  if (!parsed.success) {
    return {
      outcome: 'invalid',
      id: typeof input.id === 'string' ? input.id : undefined,
      reason: describeIssues(parsed.error),
    }
  }
  const storable = toStorableRecord(kind, input)
  if (facts?.invalidUtf8) {
    const { sequences, firstOffset } = facts.invalidUtf8
    storable.repairs.unshift({
      kind: 'invalid-utf8-replaced',
      detail: `${sequences} byte sequence${sequences === 1 ? '' : 's'} not valid UTF-8, the first at byte ${firstOffset} of the file`,
    })
  }
  return { outcome: 'valid', ...storable }
}

/**
 * The stored form of a record that passed `validateLegacyRecord`, with every repair listed. The
 * write pass calls it directly: it reads the same bytes again, so validating twice would only cost.
 */
export function toStorableRecord<K extends LegacyKind>(
  kind: K,
  input: Record<string, unknown>,
): { record: LegacyRecordTypes[K]; repairs: RecordRepair[] } {
  const repairs: RecordRepair[] = []
  const shape = SCHEMAS[kind].shape
  const known: Record<string, unknown> = {}
  const unknownFields: string[] = []
  // Own keys only: `key in shape` would also match `constructor` or `__proto__` through the prototype.
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(shape, key)) known[key] = input[key]
    else unknownFields.push(key)
  }
  for (const field of ALWAYS_PRESENT_NULLABLE_FIELDS[kind] ?? []) {
    if (!Object.hasOwn(input, field)) {
      known[field] = null
      repairs.push({ kind: 'absent-field-set-to-null', detail: `${field} was absent; stored as null` })
    }
  }
  if (unknownFields.length > 0) {
    repairs.push({ kind: 'unknown-fields-dropped', detail: `dropped ${unknownFields.join(', ')}` })
  }

  const textRepairs: { kind: TextRepairKind; path: string }[] = []
  const record = repairText(known, textRepairs)
  for (const repair of textRepairs) repairs.push({ kind: repair.kind, detail: `in ${repair.path}` })

  for (const field of TIMESTAMP_FIELDS[kind]) {
    const value = record[field]
    if (typeof value !== 'string') continue
    const canonical = new Date(value).toISOString()
    if (canonical !== value) {
      record[field] = canonical
      repairs.push({ kind: 'timestamp-normalized', detail: `${field} ${value} → ${canonical}` })
    }
  }
  return { record: record as LegacyRecordTypes[K], repairs }
}
