/** The message of anything thrown, without assuming it is an Error (a cast would lie for strings and objects). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message
  return String(error)
}
