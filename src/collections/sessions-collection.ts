import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection, type PendingMutation } from '@tanstack/react-db'
import { deleteSession, renameSession, setSessionArchived } from '~/server/functions/sessions'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { SYNC_CONFIRMATION_TIMEOUT_MS, txidOf } from './mutation-result'
import { shapeOptions } from './shape-options'

type Session = ShapeRow<'sessions'>

/** The server calls one optimistic update stands for: only a rename and archiving are user edits. */
function persistUpdate({ key, changes }: PendingMutation<Session>): Promise<number>[] {
  const sessionId = String(key)
  const calls: Promise<number>[] = []
  if (changes.title !== undefined) {
    calls.push(renameSession({ data: { sessionId, title: changes.title } }).then(txidOf))
  }
  if (changes.archivedAt !== undefined) {
    calls.push(setSessionArchived({ data: { sessionId, archived: changes.archivedAt !== null } }).then(txidOf))
  }
  return calls
}

/**
 * Every session of the account (metadata only; events sync per session on demand). Sessions are
 * created by ingest; the explorer renames, archives and deletes them here, optimistically: each
 * handler calls its server function and the change stays until its txid is back through the shape.
 */
export const sessionsCollection = createCollection(
  electricCollectionOptions<Session>({
    id: collectionIdOf('sessions'),
    getKey: rowKeyOf('sessions'),
    shapeOptions: shapeOptions('sessions'),
    onUpdate: async ({ transaction }) => {
      const txids = await Promise.all(transaction.mutations.flatMap(persistUpdate))
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
    onDelete: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ key }) => deleteSession({ data: { sessionId: String(key) } }).then(txidOf)),
      )
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
  }),
)
