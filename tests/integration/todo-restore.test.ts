/** Undo of a delete puts the very same row back (id, fields, creation time), idempotently. */
import { describe, expect, it } from 'vitest'
import { ConflictError } from '../../src/server/repositories/errors'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

describe('restoring a deleted todo', () => {
  it('re-inserts the same id with its fields and creation time; a second restore is a no-op', async () => {
    const alice = await seedAccountWithSession(testDb.db, 'Alice')
    const { todo } = await todosRepository.createTodo(testDb.db, {
      accountId: alice.account.id,
      text: 'Keep me',
      sessionId: alice.session.id,
    })
    await todosRepository.updateTodo(testDb.db, alice.account.id, todo.id, { completed: true })
    await todosRepository.deleteTodo(testDb.db, alice.account.id, todo.id)
    expect(await todosRepository.listTodos(testDb.db, alice.account.id)).toEqual([])

    const input = {
      accountId: alice.account.id,
      id: todo.id,
      text: 'Keep me',
      completed: true,
      sessionId: alice.session.id,
      createdAt: todo.createdAt,
    }
    const restored = await todosRepository.restoreTodo(testDb.db, input)
    expect(restored.txid).toBeGreaterThan(0)
    const [row] = await todosRepository.listTodos(testDb.db, alice.account.id)
    expect(row).toMatchObject({ id: todo.id, text: 'Keep me', completed: true, sessionId: alice.session.id })
    expect(row.createdAt.getTime()).toBe(todo.createdAt.getTime())

    const again = await todosRepository.restoreTodo(testDb.db, input)
    expect(again.todo.id).toBe(todo.id)
    expect(await todosRepository.listTodos(testDb.db, alice.account.id)).toHaveLength(1)

    // Another account cannot "restore" over an id that exists.
    const bob = await seedAccountWithSession(testDb.db, 'Bob')
    await expect(
      todosRepository.restoreTodo(testDb.db, { ...input, accountId: bob.account.id, sessionId: null }),
    ).rejects.toBeInstanceOf(ConflictError)
  })
})
