/**
 * Errors that cross the server-function boundary. The `mapErrors` middleware turns whatever a
 * handler throws into an HttpError and sets the response's status to it; the message reaches the
 * caller, so every message here is written for the person using the app.
 */
import type { z } from 'zod'
import { withStorableStrings } from '~/domain/storable-text'
import { createLogger, describeError, type Logger } from '~/server/log'
import { isUniqueViolation, RepositoryError } from '~/server/repositories/errors'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

const STATUS_BY_CODE: Record<RepositoryError['code'], number> = {
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  invalid_input: 400,
}

const log = createLogger('server-function')

/**
 * Repository failures become 4xx with their message; a unique violation that no repository turned
 * into a conflict of its own is still a 409 (the row exists, so "nothing was changed" would be
 * false). Anything else is logged as one safe line (never the error object) and hidden.
 */
export function toHttpError(error: unknown, logger: Logger = log): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof RepositoryError) return new HttpError(STATUS_BY_CODE[error.code], error.message, error.code)
  if (isUniqueViolation(error)) {
    return new HttpError(
      409,
      'This already exists (it may have been saved by an earlier attempt). Reload and check.',
      'conflict',
    )
  }
  logger.error(`unexpected failure: ${describeError(error)}`)
  return new HttpError(500, 'Something went wrong on the server; nothing was changed. Please try again.')
}

/** Zod issues as one sentence a person can act on. */
export function describeIssues(error: z.ZodError) {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/**
 * A server-function validator that answers 400 with every problem spelled out. Every string of the
 * input has its NULs replaced by U+FFFD first (Postgres text cannot hold U+0000), so every write
 * that comes through a server function stores them that way, whatever field they are in.
 */
export function validateWith<S extends z.ZodType>(schema: S) {
  return (input: unknown): z.output<S> => {
    const result = schema.safeParse(withStorableStrings(input))
    if (result.success) return result.data
    throw new HttpError(400, describeIssues(result.error), 'invalid_input')
  }
}
