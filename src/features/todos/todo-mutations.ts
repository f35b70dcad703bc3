/**
 * Every write the todo list makes. Each one is an optimistic change on `todosCollection`; when the
 * server refuses it (or cannot be reached) TanStack DB rolls it back and the user is told exactly
 * what was not saved.
 */
import { createTransaction, type Transaction } from '@tanstack/react-db'
import { persistTodoDeletes, todosCollection } from '~/collections/todos-collection'
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
function optimistically(write: TodoWrite, todoText: string, change: () => Transaction, onFailure?: () => void) {
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

/** Deletes waiting for their undo window to close; flushed when the page goes away. */
const stagedDeletes = new Set<() => void>()

/**
 * Removes the todo from the list at once but tells the server only when the notification closes,
 * so "Undo" is a local rollback rather than a re-insert (which would lose the creation time).
 */
export function deleteTodoWithUndo(todo: Todo, { onUndo }: { onUndo: () => void }) {
  const transaction = createTransaction<Todo>({
    autoCommit: false,
    mutationFn: ({ transaction: staged }) => persistTodoDeletes(staged.mutations),
  })
  try {
    transaction.mutate(() => todosCollection.delete(todo.id))
  } catch (error) {
    reportFailure('delete', todo.text, error)
    return
  }
  let settled = false
  const commit = () => {
    if (settled) return
    settled = true
    stagedDeletes.delete(commit)
    transaction.commit().catch((error: unknown) => reportFailure('delete', todo.text, error))
  }
  stagedDeletes.add(commit)
  const text = shortTodoText(todo.text)
  notify({
    title: `Deleted “${text}”`,
    action: {
      label: 'Undo',
      altText: `Undo deleting “${text}”`,
      onAction: () => {
        if (settled) return
        settled = true
        stagedDeletes.delete(commit)
        transaction.rollback()
        onUndo()
      },
    },
    onDismiss: commit,
  })
}

if (typeof window !== 'undefined') {
  // Leaving or reloading the page ends every undo window: the deletes are sent now.
  window.addEventListener('pagehide', () => {
    for (const commit of [...stagedDeletes]) commit()
  })
}
