/**
 * Errors that cross the server-function boundary. Start answers with an error's `status`, and the
 * message reaches the caller, so every message here is written for the person using the app.
 */
import type { z } from 'zod'
import { RepositoryError } from '../repositories/errors'

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

/** Repository failures become 4xx with their message; anything else is logged and hidden. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof RepositoryError) return new HttpError(STATUS_BY_CODE[error.code], error.message, error.code)
  console.error('[server function] unexpected failure:', error)
  return new HttpError(500, 'Something went wrong on the server; nothing was changed. Please try again.')
}

/** A server-function validator that answers 400 with every problem spelled out. */
export function validateWith<S extends z.ZodType>(schema: S) {
  return (input: unknown): z.output<S> => {
    const result = schema.safeParse(input)
    if (result.success) return result.data
    const problems = result.error.issues.map((issue) =>
      issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    throw new HttpError(400, problems.join('; '), 'invalid_input')
  }
}
