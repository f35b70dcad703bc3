/** Todos of an account. Ownership is part of every WHERE clause, never checked after the fact. */
import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type Todo, todos } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'
import { ConflictError, InvalidInputError, NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

function cleanText(text: string) {
  const trimmed = toStorableText(text).trim()
  if (!trimmed) throw new InvalidInputError('A todo needs some text.')
  return trimmed
}

/** The transaction that last wrote the row (32-bit, as Electric reports txids). */
const rowTxid = sql<string>`xmin::text`

function splitTxid({ txid, ...todo }: Todo & { txid: string }) {
  return { todo, txid: Number(txid) }
}

export const todosRepository = {
  async createTodo(
    db: Executor,
    input: { accountId: string; text: string; id?: string; sessionId?: string | null; completed?: boolean },
  ): Promise<WithTxid<{ todo: Todo }>> {
    const values = {
      accountId: input.accountId,
      text: cleanText(input.text),
      sessionId: input.sessionId ?? null,
      completed: input.completed ?? false,
    }
    const [inserted] = await db
      .insert(todos)
      .values({ ...(input.id ? { id: input.id } : {}), ...values })
      .onConflictDoNothing({ target: todos.id })
      .returning({ ...getTableColumns(todos), txid: rowTxid })
    if (inserted) return splitTxid(inserted)
    // A retry of a create whose answer was lost (the row was committed): the same client id with
    // the same content is the same todo. Its txid is the row's xmin, the transaction that last
    // wrote it, which the client's shape stream has seen or will see.
    const [existing] = await db
      .select({ ...getTableColumns(todos), txid: rowTxid })
      .from(todos)
      .where(eq(todos.id, input.id as string))
    if (!existing) throw new ConflictError('This todo was deleted while it was being saved. Add it again.')
    const same =
      existing.accountId === values.accountId &&
      existing.text === values.text &&
      existing.sessionId === values.sessionId
    if (!same) {
      throw new ConflictError(
        existing.accountId === values.accountId
          ? 'A different todo with this id already exists. Reload the page and add it again.'
          : 'This todo id is already taken. Reload the page and add it again.',
      )
    }
    return splitTxid(existing)
  },

  /**
   * Undo of a delete: puts the row back with its id and fields (creation time included), so it
   * returns to its place in every list. Restoring a todo that is already there is a no-op.
   */
  async restoreTodo(
    db: Executor,
    input: {
      accountId: string
      id: string
      text: string
      completed: boolean
      sessionId: string | null
      createdAt: Date
    },
  ): Promise<WithTxid<{ todo: Todo }>> {
    const [inserted] = await db
      .insert(todos)
      .values({
        id: input.id,
        accountId: input.accountId,
        text: cleanText(input.text),
        completed: input.completed,
        sessionId: input.sessionId,
        createdAt: input.createdAt,
      })
      .onConflictDoNothing({ target: todos.id })
      .returning({ ...getTableColumns(todos), txid: rowTxid })
    if (inserted) return splitTxid(inserted)
    const [existing] = await db
      .select({ ...getTableColumns(todos), txid: rowTxid })
      .from(todos)
      .where(and(eq(todos.id, input.id), eq(todos.accountId, input.accountId)))
    if (!existing) throw new ConflictError('This todo id is already taken. Reload the page.')
    return splitTxid(existing)
  },

  async updateTodo(
    db: Executor,
    accountId: string,
    id: string,
    patch: { text?: string; completed?: boolean; sessionId?: string | null },
  ): Promise<WithTxid<{ todo: Todo }>> {
    return writeTransaction(db, async (tx) => {
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
      return { todo }
    })
  },

  async deleteTodo(db: Executor, accountId: string, id: string): Promise<WithTxid<{ id: string }>> {
    return writeTransaction(db, async (tx) => {
      const deleted = await tx
        .delete(todos)
        .where(and(eq(todos.id, id), eq(todos.accountId, accountId)))
        .returning({ id: todos.id })
      if (deleted.length === 0) throw new NotFoundError('Todo', id)
      return { id }
    })
  },

  async listTodos(db: Executor, accountId: string) {
    return db.select().from(todos).where(eq(todos.accountId, accountId)).orderBy(asc(todos.createdAt), asc(todos.id))
  },
}
