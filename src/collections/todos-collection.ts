import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import type { Todo } from '../db/schema'
import { createTodo, deleteTodo, updateTodo } from '../server/functions/todos'
import { shapeOptions } from './shape-options'

/**
 * The account's todos, synced eagerly. Writes are optimistic: each handler calls a server
 * function and returns its txid, and the optimistic row stays until that txid arrives through
 * the shape stream (or rolls back if the server refuses).
 */
export const todosCollection = createCollection(
  electricCollectionOptions<Todo>({
    id: 'todos',
    getKey: (todo) => todo.id,
    shapeOptions: shapeOptions<Todo>('todos'),
    onInsert: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ modified }) =>
          createTodo({ data: { id: modified.id, text: modified.text, sessionId: modified.sessionId } }).then(
            (r) => r.txid,
          ),
        ),
      )
      return { txid: txids }
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
          }).then((r) => r.txid),
        ),
      )
      return { txid: txids }
    },
    onDelete: async ({ transaction }) => {
      const txids = await Promise.all(
        transaction.mutations.map(({ original }) => deleteTodo({ data: { id: original.id } }).then((r) => r.txid)),
      )
      return { txid: txids }
    },
  }),
)
