/**
 * How long an optimistic change waits for its transaction to come back through the shape stream.
 * Longer than a restart of the sync service, so a write made meanwhile is not rolled back although
 * Postgres has it (Electric's default of 5 s is shorter than a restart plus reconnect backoff).
 */
export const SYNC_CONFIRMATION_TIMEOUT_MS = 30_000

/**
 * What a collection's mutation handler makes of a server function's answer. A refusal by the
 * request middleware (403 cross-site, 503 database unreachable) reaches the client as a plain JSON
 * body instead of a thrown error, so a result without a txid is a failure, with the server's message.
 */
export function txidOf(result: { txid?: unknown; message?: unknown }): number {
  if (typeof result.txid === 'number') return result.txid
  if (typeof result.txid === 'string' && /^\d+$/.test(result.txid)) return Number(result.txid)
  throw new Error(typeof result.message === 'string' ? result.message : 'The server did not confirm the change.')
}
