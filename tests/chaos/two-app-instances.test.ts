/**
 * Two app instances on one database and one shape server (a rolling deploy, or two replicas
 * behind a balancer): a client of each sees the writes made through the other, and both see all
 * writes in the same order (the replication stream's commit order; transaction ids are not it).
 */
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CREATE_TODO, callServerFunction, createTodoBody, localOwnerCookie } from '../../dev/app-client'
import { CHAOS_SCALE, report } from './support/chaos-scale'
import { type ChaosStack, startChaosStack } from './support/chaos-stack'
import { recordTodos } from './support/shape-client'

let stack: ChaosStack
let sql: postgres.Sql

beforeAll(async () => {
  stack = await startChaosStack({ apps: 2 })
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await sql?.end()
  await stack?.stop()
})

it("shows each instance's writes to the other's clients, in one order", async () => {
  const [first, second] = stack.apps
  const cookies = [await localOwnerCookie(first.url), await localOwnerCookie(second.url)]
  const clients = [recordTodos(first.url, cookies[0]), recordTodos(second.url, cookies[1])]
  try {
    const ids: string[] = []
    const perApp = CHAOS_SCALE.orderedWritesPerApp
    const started = performance.now()
    for (let round = 0; round < perApp; round++) {
      // Both instances write at the same moment: the commit order is decided by Postgres, not by us.
      const pair = [randomUUID(), randomUUID()]
      const results = await Promise.all(
        stack.apps.map((app, index) =>
          callServerFunction(
            app.url,
            cookies[index],
            CREATE_TODO,
            createTodoBody(pair[index], `ordered ${round}.${index}`),
          ),
        ),
      )
      expect(results.map((result) => result.status)).toEqual([200, 200])
      ids.push(...pair)
    }
    await Promise.all(clients.map((client) => client.waitFor(ids, 60_000)))
    const convergedMs = performance.now() - started

    const [viaFirst, viaSecond] = clients.map((client) => client.inserted.filter((id) => ids.includes(id)))
    expect(viaFirst).toHaveLength(ids.length)
    expect(new Set(viaFirst).size).toBe(ids.length)
    expect(viaSecond).toEqual(viaFirst)
    const [{ stored }] = await sql<{ stored: number }[]>`
      select count(*)::int as stored from todos where id = any(${ids}::uuid[])`
    expect(stored).toBe(ids.length)
    report('two-app-instances', { writes: ids.length, apps: 2, convergedMs: Math.round(convergedMs) })
  } finally {
    for (const client of clients) client.close()
  }
})
