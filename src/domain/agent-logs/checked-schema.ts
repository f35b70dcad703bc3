/**
 * A zod schema with a hand-written structural check in front of it. Parsing a multi-gigabyte log
 * entry by entry through zod costs more than reading the JSON: the check answers the common case
 * (the entry plainly has the fields of the schema, with the right types) without copying it, and
 * zod still decides — and explains — everything else. A check may only accept what its schema
 * accepts; `codex/entry-checks.test.ts` holds each one to that on the fixtures and on odd values.
 */
import type { z } from 'zod'

export interface CheckedSchema<Schema extends z.ZodType> {
  readonly schema: Schema
  readonly check: (value: unknown) => boolean
  safeParse(value: unknown): z.ZodSafeParseResult<z.output<Schema>>
}

export function checkedSchema<Schema extends z.ZodType>(
  schema: Schema,
  check: (value: unknown) => boolean,
): CheckedSchema<Schema> {
  return {
    schema,
    check,
    safeParse(value) {
      // Loose object schemas hand back every field as it came, so the value itself is the result.
      if (check(value)) return { success: true, data: value as z.output<Schema> }
      return schema.safeParse(value)
    },
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** `z.string().nullish()` */
export const isOptionalText = (value: unknown) => value === undefined || value === null || typeof value === 'string'

/** `z.number()` (finite, as zod 4 requires) */
export const isNumber = (value: unknown) => typeof value === 'number' && Number.isFinite(value)

export const isOptionalNumber = (value: unknown) => value === undefined || value === null || isNumber(value)
