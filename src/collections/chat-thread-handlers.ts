/**
 * Optimistic writes of coach threads: a rename shows at once and a delete hides the thread at
 * once; the server function's txid confirms them through the shape stream (promotion of another
 * thread after a delete arrives the same way). Status changes (select, archive) move two rows at
 * a time, so they go through `changeChatThread` directly instead of an optimistic update.
 */
import type { ElectricCollectionConfig } from '@tanstack/electric-db-collection'
import { changeChatThread, renameChatThread } from '~/server/functions/coach'
import type { ShapeRow } from '~/sync/catalog'
import { SYNC_CONFIRMATION_TIMEOUT_MS, txidOf } from './mutation-result'

type ChatThread = ShapeRow<'chat_threads'>

export function chatThreadHandlers(sessionId: string): Partial<ElectricCollectionConfig<ChatThread>> {
  return {
    onUpdate: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ original, changes }) => {
          if (
            changes.title === undefined ||
            Object.keys(changes).some((key) => key !== 'title' && key !== 'updatedAt')
          ) {
            throw new Error('Only a thread title can be changed in place; use the thread actions for the rest.')
          }
          return renameChatThread({ data: { sessionId, threadId: original.id, title: changes.title } }).then(txidOf)
        }),
      )
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
    onDelete: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ key }) =>
          changeChatThread({ data: { sessionId, threadId: String(key), action: 'delete' } }).then(txidOf),
        ),
      )
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
  }
}
