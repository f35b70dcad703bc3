/** Todo mutations for the todos collection: validate → authorize → repository → { txid }. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { todoTextSchema as todoText } from '../../domain/todo-text'
import { getDatabaseClient } from '../db'
import type { Principal } from '../repositories/accounts-repository'
import { sessionsRepository } from '../repositories/sessions-repository'
import { todosRepository } from '../repositories/todos-repository'
import { HttpError, toHttpError, validateWith } from './http-error'
import { requirePrincipal } from './require-principal'

const sessionLink = z.string().uuid('Unknown session.').nullable()

async function assertSessionAccess(principal: Principal, sessionId: string | null | undefined) {
  if (!sessionId) return
  const session = await sessionsRepository.findAccessibleSession(
    getDatabaseClient().db,
    { accountId: principal.account.id, userId: principal.user.id },
    sessionId,
  )
  if (!session) throw new HttpError(403, 'You cannot link a todo to a session you do not have access to.')
}

export const createTodo = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(z.object({ id: z.string().uuid(), text: todoText, sessionId: sessionLink.optional() })))
  .handler(async ({ data, context }) => {
    try {
      await assertSessionAccess(context.principal, data.sessionId)
      const { todo, txid } = await todosRepository.createTodo(getDatabaseClient().db, {
        accountId: context.principal.account.id,
        ...data,
      })
      return { id: todo.id, txid }
    } catch (error) {
      throw toHttpError(error)
    }
  })

export const updateTodo = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(
    validateWith(
      z.object({
        id: z.string().uuid(),
        changes: z
          .object({ text: todoText.optional(), completed: z.boolean().optional(), sessionId: sessionLink.optional() })
          .strict(),
      }),
    ),
  )
  .handler(async ({ data, context }) => {
    try {
      await assertSessionAccess(context.principal, data.changes.sessionId)
      const { txid } = await todosRepository.updateTodo(
        getDatabaseClient().db,
        context.principal.account.id,
        data.id,
        data.changes,
      )
      return { txid }
    } catch (error) {
      throw toHttpError(error)
    }
  })

export const deleteTodo = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(z.object({ id: z.string().uuid() })))
  .handler(async ({ data, context }) => {
    try {
      const { txid } = await todosRepository.deleteTodo(getDatabaseClient().db, context.principal.account.id, data.id)
      return { txid }
    } catch (error) {
      throw toHttpError(error)
    }
  })
