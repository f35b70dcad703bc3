/**
 * The one way repositories write rows the browser syncs. The txid is read inside the writing
 * transaction, after the work, and added to its result, so no mutation can forget it or read it
 * from another transaction (where the client's `awaitTxId` would never resolve).
 */
import type { Executor, Transaction } from '~/db/client'
import { currentTxid } from '~/db/txid'

/** Every mutation returns what it wrote plus the txid the client awaits on the shape stream. */
export type WithTxid<T> = T & { txid: number }

export function writeTransaction<T extends object>(
  db: Executor,
  work: (tx: Transaction) => Promise<T>,
): Promise<WithTxid<T>> {
  return db.transaction(async (tx) => {
    const result = await work(tx)
    return { ...result, txid: await currentTxid(tx) }
  })
}
