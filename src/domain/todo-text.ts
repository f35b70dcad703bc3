/**
 * The rules for a todo's text, shared by the form (checked before anything is sent) and the
 * server functions (src/server/functions/todos.ts). Checking in the form means an empty or
 * oversized todo never becomes an optimistic row that would only be rolled back.
 */
import { z } from 'zod'

export const TODO_TEXT_MAX_LENGTH = 2000

export const todoTextSchema = z
  .string()
  .trim()
  .min(1, 'A todo needs some text.')
  .max(TODO_TEXT_MAX_LENGTH, `Keep a todo under ${TODO_TEXT_MAX_LENGTH} characters.`)

export type TodoTextCheck = { ok: true; text: string } | { ok: false; message: string }

export function checkTodoText(raw: string): TodoTextCheck {
  const result = todoTextSchema.safeParse(raw)
  return result.success ? { ok: true, text: result.data } : { ok: false, message: result.error.issues[0].message }
}

/** For titles and labels: long todos are cut at a word boundary where possible. */
export function shortTodoText(text: string, maxLength = 60) {
  const singleLine = text.replace(/\s+/g, ' ').trim()
  if (singleLine.length <= maxLength) return singleLine
  const cut = singleLine.slice(0, maxLength - 1)
  const lastSpace = cut.lastIndexOf(' ')
  return `${lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut}…`
}
