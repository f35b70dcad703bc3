/**
 * The write/read loop of the reference slice, end to end below the browser: two TanStack DB
 * collections of one user read `todos` through the proxy and the real sync service; an optimistic
 * insert in one is confirmed by txid and appears in the other.
 */
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { shapeOptions } from '../../../src/collections/shape-options'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import type { Todo } from '../../../src/db/schema'
import type { Principal } from '../../../src/server/repositories/accounts-repository'
import { todosRepository } from '../../../src/server/repositories/todos-repository'
import { proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { eventually } from '../../helpers/eventually'
import { seedAccountWithSession } from '../../helpers/seed'
import { type SyncTarget, startSyncTarget } from '../../helpers/sync-target'

let database: TestDatabase
let client: DatabaseClient
let sync: SyncTarget
let principal: Principal

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url)
  const seeded = await seedAccountWithSession(client.db, 'collection user')
  principal = { account: seeded.account, user: seeded.user }
  sync = await startSyncTarget(database.url)
})
afterAll(async () => {
  await sync?.close()
  await client?.close()
  await database?.drop()
})

let collectionCount = 0
/** What the browser builds from src/collections/todos-collection.ts, with the server calls made directly. */
function browserTodos() {
  const options = shapeOptions('todos')
  return createCollection(
    electricCollectionOptions<Todo>({
      id: `todos-test-${++collectionCount}`,
      getKey: (todo) => todo.id,
      shapeOptions: {
        ...options,
        url: 'http://app.test/api/shape',
        fetchClient: (input, init) =>
          proxyShapeRequest(new Request(input, init), {
            db: client.db,
            principal,
            electricUrl: sync.url,
            electricSecret: sync.secret,
          }),
      },
      onInsert: async ({ transaction }) => {
        const txids = []
        for (const { modified } of transaction.mutations) {
          const { txid } = await todosRepository.createTodo(client.db, {
            accountId: principal.account.id,
            id: modified.id,
            text: modified.text,
          })
          txids.push(txid)
        }
        return { txid: txids }
      },
      onUpdate: async ({ transaction }) => {
        const txids = []
        for (const { original, changes } of transaction.mutations) {
          txids.push((await todosRepository.updateTodo(client.db, principal.account.id, original.id, changes)).txid)
        }
        return { txid: txids }
      },
    }),
  )
}

describe('todos collection over the proxy', () => {
  it('syncs rows typed like Drizzle rows, confirms optimistic writes by txid, and shows them in another tab', async () => {
    const existing = await todosRepository.createTodo(client.db, {
      accountId: principal.account.id,
      text: 'already there',
    })
    const tabA = browserTodos()
    const tabB = browserTodos()
    await Promise.all([tabA.preload(), tabB.preload()])

    const synced = tabA.get(existing.todo.id)
    expect(synced).toMatchObject({
      id: existing.todo.id,
      text: 'already there',
      completed: false,
      accountId: principal.account.id,
    })
    expect(synced?.createdAt).toBeInstanceOf(Date)
    expect(synced?.createdAt.getTime()).toBe(existing.todo.createdAt.getTime())

    const id = crypto.randomUUID()
    const insert = tabA.insert({
      id,
      accountId: principal.account.id,
      sessionId: null,
      text: 'written optimistically',
      completed: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    expect(tabA.get(id)?.text).toBe('written optimistically')
    await insert.isPersisted.promise
    await eventually(() => tabB.get(id)?.text === 'written optimistically', 'the insert in the other tab')

    const toggle = tabB.update(id, (draft) => {
      draft.completed = true
    })
    await toggle.isPersisted.promise
    await eventually(() => tabA.get(id)?.completed === true, 'the toggle in the first tab')
    expect(tabA.toArray.filter((t) => t.id === id)).toHaveLength(1)

    await Promise.all([tabA.cleanup(), tabB.cleanup()])
  })

  it('rolls back an optimistic write the server refuses', async () => {
    const tab = browserTodos()
    await tab.preload()
    const id = crypto.randomUUID()
    const insert = tab.insert({
      id,
      accountId: principal.account.id,
      sessionId: null,
      text: '   ',
      completed: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    await expect(insert.isPersisted.promise).rejects.toThrow(/needs some text/)
    expect(tab.get(id)).toBeUndefined()
    await tab.cleanup()
  })
})
