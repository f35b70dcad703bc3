/** Todos of an account. Ownership is part of every WHERE clause, never checked after the fact. */
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { type Todo, todos } from '../../db/schema'
import { currentTxid } from '../../db/txid'
import { toStorableText } from '../../domain/storable-text'
import { InvalidInputError, NotFoundError, type WithTxid } from './errors'

function cleanText(text: string) {
  const trimmed = toStorableText(text).trim()
  if (!trimmed) throw new InvalidInputError('A todo needs some text.')
  return trimmed
}

export const todosRepository = {
  async createTodo(
    db: Executor,
    input: { accountId: string; text: string; id?: string; sessionId?: string | null; completed?: boolean },
  ): Promise<WithTxid<{ todo: Todo }>> {
    return db.transaction(async (tx) => {
      const [todo] = await tx
        .insert(todos)
        .values({
          ...(input.id ? { id: input.id } : {}),
          accountId: input.accountId,
          text: cleanText(input.text),
          sessionId: input.sessionId ?? null,
          completed: input.completed ?? false,
        })
        .returning()
      return { todo, txid: await currentTxid(tx) }
    })
  },

  async updateTodo(
    db: Executor,
    accountId: string,
    id: string,
    patch: { text?: string; completed?: boolean; sessionId?: string | null },
  ): Promise<WithTxid<{ todo: Todo }>> {
    return db.transaction(async (tx) => {
      const [todo] = await tx
        .update(todos)
        .set({
          ...(patch.text === undefined ? {} : { text: cleanText(patch.text) }),
          ...(patch.completed === undefined ? {} : { completed: patch.completed }),
          ...(patch.sessionId === undefined ? {} : { sessionId: patch.sessionId }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(todos.id, id), eq(todos.accountId, accountId)))
        .returning()
      if (!todo) throw new NotFoundError('Todo', id)
      return { todo, txid: await currentTxid(tx) }
    })
  },

  async deleteTodo(db: Executor, accountId: string, id: string): Promise<WithTxid<{ id: string }>> {
    return db.transaction(async (tx) => {
      const deleted = await tx
        .delete(todos)
        .where(and(eq(todos.id, id), eq(todos.accountId, accountId)))
        .returning({ id: todos.id })
      if (deleted.length === 0) throw new NotFoundError('Todo', id)
      return { id, txid: await currentTxid(tx) }
    })
  },

  async listTodos(db: Executor, accountId: string) {
    return db.select().from(todos).where(eq(todos.accountId, accountId)).orderBy(asc(todos.createdAt), asc(todos.id))
  },
}
