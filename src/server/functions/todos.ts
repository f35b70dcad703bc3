/** Todo mutations for the todos collection: middleware (principal, session access) → repository → { txid }. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { todoTextSchema as todoText } from '~/domain/todo-text'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'
import { todosRepository } from '~/server/repositories/todos-repository'

const sessionLink = z.string().uuid('Unknown session.').nullable()
const TODO_SESSION_REFUSAL = 'You cannot link a todo to a session you do not have access to.'

const createTodoInput = z.object({ id: z.string().uuid(), text: todoText, sessionId: sessionLink.optional() })
const updateTodoInput = z.object({
  id: z.string().uuid(),
  changes: z
    .object({ text: todoText.optional(), completed: z.boolean().optional(), sessionId: sessionLink.optional() })
    .strict(),
})
const deleteTodoInput = z.object({ id: z.string().uuid() })
const restoreTodoInput = z.object({
  id: z.string().uuid(),
  text: todoText,
  completed: z.boolean(),
  sessionId: sessionLink,
  createdAt: z.coerce
    .date({ message: 'createdAt must be a date.' })
    .refine((date) => date.getTime() <= Date.now() + 60_000, 'createdAt cannot be in the future.'),
})

export const createTodo = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(createTodoInput, (input) => input.sessionId, TODO_SESSION_REFUSAL)])
  .validator(validateWith(createTodoInput))
  .handler(async ({ data, context }) => {
    const { todo, txid } = await todosRepository.createTodo(getDatabaseClient().db, {
      accountId: context.principal.account.id,
      ...data,
    })
    return { id: todo.id, txid }
  })

export const updateTodo = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(updateTodoInput, (input) => input.changes.sessionId, TODO_SESSION_REFUSAL)])
  .validator(validateWith(updateTodoInput))
  .handler(async ({ data, context }) => {
    const { txid } = await todosRepository.updateTodo(
      getDatabaseClient().db,
      context.principal.account.id,
      data.id,
      data.changes,
    )
    return { txid }
  })

export const deleteTodo = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(deleteTodoInput))
  .handler(async ({ data, context }) => {
    const { txid } = await todosRepository.deleteTodo(getDatabaseClient().db, context.principal.account.id, data.id)
    return { txid }
  })

/** Undo of a delete: the same row (id, text, state, link, creation time) goes back in. */
export const restoreTodo = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(restoreTodoInput, (input) => input.sessionId, TODO_SESSION_REFUSAL)])
  .validator(validateWith(restoreTodoInput))
  .handler(async ({ data, context }) => {
    const { todo, txid } = await todosRepository.restoreTodo(getDatabaseClient().db, {
      accountId: context.principal.account.id,
      ...data,
    })
    return { id: todo.id, txid }
  })
