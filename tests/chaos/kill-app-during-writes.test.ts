/**
 * Fault: the app is killed (SIGKILL, no shutdown) while many todos are being created at once.
 * After a restart every acknowledged create is in Postgres exactly once and whole, and a client
 * that retries its unacknowledged creates with the same ids ends with each todo exactly once.
 */
import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CREATE_TODO, callServerFunction, createTodoBody, localOwnerCookie } from '../../dev/app-client'
import { CHAOS_SCALE, report } from './support/chaos-scale'
import { type ChaosStack, startChaosStack } from './support/chaos-stack'

let stack: ChaosStack
let sql: postgres.Sql

beforeAll(async () => {
  stack = await startChaosStack()
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} })
})

afterAll(async () => {
  await sql?.end()
  await stack?.stop()
})

type Outcome = { kind: 'acknowledged' } | { kind: 'refused'; status: number; body: string } | { kind: 'lost' }

it('keeps every acknowledged write, once and whole, when the app is killed mid-burst', async () => {
  const [app] = stack.apps
  const cookie = await localOwnerCookie(app.url)
  const writes = Array.from({ length: CHAOS_SCALE.concurrentWrites }, (_, index) => ({
    id: randomUUID() as string,
    text: `chaos write ${index} ${randomUUID()}`,
  }))
  const outcomes = new Map<string, Outcome>()
  let acknowledged = 0
  let killed: Promise<void> | undefined
  // The kill lands once a quarter of the burst is acknowledged: the rest is queued, in flight or
  // half-way through a transaction.
  const killAfter = Math.ceil(writes.length / 4)
  const started = performance.now()
  await Promise.all(
    writes.map(async ({ id, text }) => {
      try {
        const result = await callServerFunction(app.url, cookie, CREATE_TODO, createTodoBody(id, text))
        if (result.status === 200) {
          outcomes.set(id, { kind: 'acknowledged' })
          acknowledged += 1
          if (acknowledged === killAfter) killed = app.kill()
        } else {
          outcomes.set(id, { kind: 'refused', status: result.status, body: result.body.slice(0, 300) })
        }
      } catch {
        outcomes.set(id, { kind: 'lost' })
      }
    }),
  )
  await killed
  const burstMs = performance.now() - started
  const refused = [...outcomes.values()].filter((outcome) => outcome.kind === 'refused')
  // Only a dead connection may fail a create; the app refused none of these valid writes.
  expect(refused).toEqual([])
  expect(killed, 'the app was killed during the burst').toBeDefined()

  const restartStarted = performance.now()
  await app.start()
  const restartMs = performance.now() - restartStarted

  const rows = await sql<{ id: string; text: string; account_id: string }[]>`
    select id, text, account_id from todos where text like 'chaos write %'`
  const expected = new Map(writes.map((write) => [write.id, write.text]))
  const byText = new Map<string, number>()
  for (const row of rows) byText.set(row.text, (byText.get(row.text) ?? 0) + 1)
  const [{ account_id: ownerAccount }] = await sql<{ account_id: string }[]>`select account_id from users limit 1`

  const acknowledgedIds = writes.filter(({ id }) => outcomes.get(id)?.kind === 'acknowledged').map(({ id }) => id)
  const stored = new Set(rows.map((row) => row.id))
  expect(
    acknowledgedIds.filter((id) => !stored.has(id)),
    'acknowledged but missing',
  ).toEqual([])
  expect(
    [...byText.values()].filter((count) => count > 1),
    'duplicated',
  ).toEqual([])
  // Whole: each stored row is exactly the write that carried its id, in the caller's account.
  expect(rows.filter((row) => expected.get(row.id) !== row.text || row.account_id !== ownerAccount)).toEqual([])
  const committedUnacknowledged = rows.filter((row) => outcomes.get(row.id)?.kind !== 'acknowledged').length

  // The client retries what it never heard back about, with the same ids: each todo ends up once.
  const retryCookie = await localOwnerCookie(app.url)
  const unacknowledged = writes.filter(({ id }) => outcomes.get(id)?.kind !== 'acknowledged')
  const retries = await Promise.all(
    unacknowledged.map(({ id, text }) =>
      callServerFunction(app.url, retryCookie, CREATE_TODO, createTodoBody(id, text)),
    ),
  )
  expect(retries.filter((result) => result.status !== 200)).toEqual([])
  const [{ count }] = await sql<{ count: number }[]>`
    select count(*)::int as count from todos where text like 'chaos write %'`
  expect(count).toBe(writes.length)

  report('kill-app-during-writes', {
    writes: writes.length,
    acknowledgedBeforeKill: acknowledged,
    lostInFlight: unacknowledged.length,
    committedButUnacknowledged: committedUnacknowledged,
    burstMs: Math.round(burstMs),
    restartMs: Math.round(restartMs),
  })
})
