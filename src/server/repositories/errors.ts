/** Typed failures that callers map to user-facing messages (and HTTP statuses). */
export class RepositoryError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'invalid_transition' | 'invalid_input',
  ) {
    super(message)
    this.name = new.target.name
  }
}

export class NotFoundError extends RepositoryError {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist or is not yours.`, 'not_found')
  }
}

export class VersionConflictError extends RepositoryError {
  constructor(
    what: string,
    id: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `${what} ${id} was changed by someone else (version ${actualVersion}, you had ${expectedVersion}). Reload it and try again.`,
      'conflict',
    )
  }
}

export class InvalidTransitionError extends RepositoryError {
  constructor(
    readonly from: string,
    readonly to: string,
    allowed: readonly string[],
  ) {
    super(
      `Cannot change status from ${from} to ${to}; allowed from ${from}: ${allowed.join(', ') || 'nothing'}.`,
      'invalid_transition',
    )
  }
}

/** The row exists already (a unique key is taken) in a way the caller must resolve. */
export class ConflictError extends RepositoryError {
  constructor(message: string) {
    super(message, 'conflict')
  }
}

export class InvalidInputError extends RepositoryError {
  constructor(message: string) {
    super(message, 'invalid_input')
  }
}

/** Postgres SQLSTATE for a unique violation, as found on the driver error Drizzle wraps. */
export function isUniqueViolation(error: unknown, constraint?: string) {
  let current = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const pg = current as Error & { code?: unknown; constraint_name?: unknown }
    if (pg.code === '23505') return constraint === undefined || pg.constraint_name === constraint
    current = current.cause
  }
  return false
}
