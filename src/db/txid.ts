import { sql } from 'drizzle-orm'
import type { Executor } from './client'

/**
 * The 32-bit id of the current transaction as Electric puts it in `headers.txids`. It must be read
 * inside the writing transaction; read anywhere else the client's awaitTxId never resolves.
 */
export async function currentTxid(tx: Executor): Promise<number> {
  const rows = await tx.execute<{ txid: string }>(sql`select pg_current_xact_id()::xid::text as txid`)
  return Number.parseInt(rows[0].txid, 10)
}
