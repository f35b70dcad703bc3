/**
 * Turns a failed todo write into a message that says what was not saved and what to do next.
 * The optimistic change has already been rolled back when this runs, so the list shows the truth.
 */
import { TimeoutWaitingForTxIdError } from '@tanstack/electric-db-collection'
import { shortTodoText } from '~/domain/todo-text'

export type TodoWrite = 'add' | 'complete' | 'reopen' | 'edit' | 'delete' | 'restore'

export interface WriteFailureMessage {
  tone: 'destructive' | 'warning'
  title: string
  description: string
}

const FAILED_TITLES: Record<TodoWrite, (text: string) => string> = {
  add: (text) => `Could not add “${text}”`,
  complete: (text) => `Could not mark “${text}” as done`,
  reopen: (text) => `Could not reopen “${text}”`,
  edit: (text) => `Could not save your changes to “${text}”`,
  delete: (text) => `Could not delete “${text}”`,
  restore: (text) => `Could not bring back “${text}”`,
}

/** What browsers throw when a request never reached the server. */
function isNetworkFailure(error: unknown) {
  return error instanceof TypeError && /fetch|network|load failed/i.test(error.message)
}

function sentence(message: string) {
  const trimmed = message.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

export function describeWriteFailure(
  write: TodoWrite,
  todoText: string,
  error: unknown,
  browserOnline = true,
): WriteFailureMessage {
  const text = shortTodoText(todoText)
  if (error instanceof TimeoutWaitingForTxIdError) {
    // The server accepted the write; only its echo through live sync is late.
    return {
      tone: 'warning',
      title: `“${text}” was saved, but live sync has not confirmed it yet`,
      description: 'The list will catch up when the sync service answers again. Reload if it does not.',
    }
  }
  if (!browserOnline || isNetworkFailure(error)) {
    return {
      tone: 'destructive',
      title: FAILED_TITLES[write](text),
      description:
        'The server could not be reached (are you offline?), so nothing was saved. Try again once connected.',
    }
  }
  const reason = error instanceof Error && error.message ? sentence(error.message) : 'The server refused the change.'
  const alreadySaysSo = /nothing was (saved|changed)/i.test(reason)
  return {
    tone: 'destructive',
    title: FAILED_TITLES[write](text),
    description: alreadySaysSo ? reason : `${reason} Nothing was saved.`,
  }
}
