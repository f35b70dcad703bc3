import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection, type PendingMutation } from '@tanstack/react-db'
import { createTodo, deleteTodo, restoreTodo, updateTodo } from '~/server/functions/todos'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { SYNC_CONFIRMATION_TIMEOUT_MS, txidOf } from './mutation-result'
import { shapeOptions } from './shape-options'

type Todo = ShapeRow<'todos'>

function deleteOnServer(mutations: PendingMutation<Todo>[]) {
  return Promise.all(
    mutations.map(({ key }) => deleteTodo({ data: { id: String(key) } }).then((result) => txidOf(result))),
  )
}

/**
 * The account's todos, synced eagerly. Writes are optimistic: each handler calls a server
 * function and returns its txid, and the optimistic row stays until that txid arrives through
 * the shape stream (or rolls back if the server refuses).
 */
export const todosCollection = createCollection(
  electricCollectionOptions<Todo>({
    id: collectionIdOf('todos'),
    getKey: rowKeyOf('todos'),
    shapeOptions: shapeOptions('todos'),
    onInsert: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ modified }) =>
          createTodo({ data: { id: modified.id, text: modified.text, sessionId: modified.sessionId } }).then((result) =>
            txidOf(result),
          ),
        ),
      )
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
    onUpdate: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ original, changes }) =>
          updateTodo({
            data: {
              id: original.id,
              changes: {
                ...(changes.text === undefined ? {} : { text: changes.text }),
                ...(changes.completed === undefined ? {} : { completed: changes.completed }),
                ...(changes.sessionId === undefined ? {} : { sessionId: changes.sessionId }),
              },
            },
          }).then((result) => txidOf(result)),
        ),
      )
      return { txid: txids, timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
    onDelete: async ({ transaction }) => {
      return { txid: await deleteOnServer(transaction.mutations), timeout: SYNC_CONFIRMATION_TIMEOUT_MS }
    },
  }),
)

/**
 * Undo of a delete: a manual transaction whose optimistic insert shows the row again at once and
 * whose server call (`restoreTodo`) re-inserts it with its id and fields; resolves once the
 * restore is back through the shape stream.
 */
export async function persistTodoRestores(mutations: PendingMutation<Todo>[]) {
  const txids = await Promise.all(
    mutations.map(({ modified }) =>
      restoreTodo({
        data: {
          id: modified.id,
          text: modified.text,
          completed: modified.completed,
          sessionId: modified.sessionId,
          createdAt: modified.createdAt,
        },
      }).then((result) => txidOf(result)),
    ),
  )
  await Promise.all(txids.map((txid) => todosCollection.utils.awaitTxId(txid, SYNC_CONFIRMATION_TIMEOUT_MS)))
}
