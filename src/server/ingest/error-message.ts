/** The message of anything thrown, without its stack or (for driver errors) its query parameters. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message.split('\nparams:')[0]
  return String(error)
}
