/**
 * Every write the todo list makes. Each one is an optimistic change on `todosCollection`; when the
 * server refuses it (or cannot be reached) TanStack DB rolls it back and the user is told exactly
 * what was not saved.
 */
import { createTransaction, type Transaction } from '@tanstack/react-db'
import { persistTodoRestores, todosCollection } from '~/collections/todos-collection'
import { notify } from '~/components/layout/notifications'
import type { Todo } from '~/db/schema'
import { shortTodoText } from '~/domain/todo-text'
import { randomUuid } from '~/lib/random-uuid'
import { describeWriteFailure, type TodoWrite } from './describe-write-failure'

function reportFailure(write: TodoWrite, todoText: string, error: unknown) {
  const message = describeWriteFailure(write, todoText, error, typeof navigator === 'undefined' || navigator.onLine)
  notify(message)
}

/** Runs a collection write; a throw (collection unusable) and a later rollback are reported alike. */
function optimistically<T extends object>(
  write: TodoWrite,
  todoText: string,
  change: () => Transaction<T>,
  onFailure?: () => void,
) {
  try {
    change().isPersisted.promise.catch((error: unknown) => {
      reportFailure(write, todoText, error)
      onFailure?.()
    })
  } catch (error) {
    reportFailure(write, todoText, error)
    onFailure?.()
  }
}

export function addTodo(input: { text: string; sessionId: string | null }, onFailure?: () => void) {
  const now = new Date()
  optimistically(
    'add',
    input.text,
    () =>
      todosCollection.insert({
        id: randomUuid(),
        // The server assigns the principal's account; the optimistic row only needs a placeholder.
        accountId: '',
        sessionId: input.sessionId,
        text: input.text,
        completed: false,
        createdAt: now,
        updatedAt: now,
      }),
    onFailure,
  )
}

export function setTodoCompleted(todo: Todo, completed: boolean) {
  optimistically(completed ? 'complete' : 'reopen', todo.text, () =>
    todosCollection.update(todo.id, (draft) => {
      draft.completed = completed
    }),
  )
}

export function editTodo(todo: Todo, changes: { text: string; sessionId: string | null }) {
  if (changes.text === todo.text && changes.sessionId === todo.sessionId) return
  optimistically('edit', todo.text, () =>
    todosCollection.update(todo.id, (draft) => {
      if (changes.text !== todo.text) draft.text = changes.text
      if (changes.sessionId !== todo.sessionId) draft.sessionId = changes.sessionId
    }),
  )
}

/**
 * Deletes at once — the server is told now, so every tab and device sees it and a reload cannot
 * bring the row back — and offers "Undo", which restores the same row (id, text, state, link and
 * creation time) through `restoreTodo`. This is the pattern for every delete (docs/architecture.md).
 */
export function deleteTodoWithUndo(todo: Todo, { onUndo }: { onUndo: () => void }) {
  let deleted = false
  optimistically('delete', todo.text, () => {
    const transaction = todosCollection.delete(todo.id)
    deleted = true
    return transaction
  })
  if (!deleted) return
  let restored = false
  const text = shortTodoText(todo.text)
  notify({
    title: `Deleted “${text}”`,
    action: {
      label: 'Undo',
      altText: `Undo deleting “${text}”`,
      onAction: () => {
        if (restored) return
        restored = true
        restoreDeletedTodo(todo)
        onUndo()
      },
    },
  })
}

function restoreDeletedTodo(todo: Todo) {
  optimistically('restore', todo.text, () => {
    const transaction = createTransaction<Todo>({
      mutationFn: ({ transaction: restore }) => persistTodoRestores(restore.mutations),
    })
    // Only the row's own fields: rows from live queries also carry virtual ones ($synced, …).
    const { id, accountId, sessionId, text, completed, createdAt, updatedAt } = todo
    transaction.mutate(() =>
      todosCollection.insert({ id, accountId, sessionId, text, completed, createdAt, updatedAt }),
    )
    return transaction
  })
}
