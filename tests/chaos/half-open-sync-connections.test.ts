/**
 * A network fault no process sees: the connections between the app and the shape server stop
 * carrying bytes without being closed (a black hole — no FIN, no RST). A held live request on such
 * a connection would wait for the HTTP client's default timeouts (minutes); the proxy's idle
 * timeout (`SHAPE_PROXY_IDLE_TIMEOUT_MS`) must end it so the client retries on a new connection
 * and sees the writes made meanwhile, once each and in order.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { CREATE_TODO, callServerFunction, createTodoBody, localOwnerCookie } from '../../dev/app-client'
import { CHAOS_SCALE, report } from './support/chaos-scale'
import { type ChaosStack, startChaosStack } from './support/chaos-stack'
import { recordTodos } from './support/shape-client'

const IDLE_TIMEOUT_MS = 6_000
/** Far below the minutes a black-holed request waits without the proxy's idle timeout. */
const RECOVERY_TIMEOUT_MS = 45_000

let stack: ChaosStack

beforeAll(async () => {
  stack = await startChaosStack({
    relayShapeServer: true,
    longPollMs: 2_000,
    appEnv: { SHAPE_PROXY_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) },
  })
})

afterAll(async () => {
  await stack?.stop()
})

async function createTodo(appUrl: string, cookie: string) {
  const id = randomUUID()
  const result = await callServerFunction(
    appUrl,
    cookie,
    CREATE_TODO,
    createTodoBody(id, `half-open ${id.slice(0, 8)}`),
  )
  expect(result.status).toBe(200)
  return id
}

async function waitForHeldConnection(relay: NonNullable<ChaosStack['relay']>) {
  const deadline = Date.now() + 10_000
  while (relay.openConnections() === 0) {
    if (Date.now() > deadline) throw new Error('no connection through the relay to black-hole')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

it('recovers live clients whose sync connections went silent without closing', async () => {
  const relay = stack.relay
  if (!relay) throw new Error('the stack was started without its relay')
  const app = stack.apps[0]
  const cookie = await localOwnerCookie(app.url)
  const client = recordTodos(app.url, cookie)
  const ids: string[] = []
  const figures: Record<string, number> = {}
  try {
    ids.push(await createTodo(app.url, cookie))
    await client.waitFor(ids, 30_000)
    for (let round = 1; round <= CHAOS_SCALE.restartRounds; round++) {
      await waitForHeldConnection(relay)
      const faultAt = performance.now()
      figures[`round${round}.blackholed`] = relay.blackholeOpen()
      const written = await createTodo(app.url, cookie)
      ids.push(written)
      await client.waitFor([written], RECOVERY_TIMEOUT_MS)
      figures[`round${round}.recoveredMs`] = Math.round(performance.now() - faultAt)
    }
    expect(client.inserted.filter((id) => ids.includes(id))).toEqual(ids)
    // The app stayed up. Its health check asks the shape server through the relay too, and may
    // draw a pooled connection that was black-holed while idle (until the pool drops it), so the
    // check is repeated rather than taken once.
    await expect
      .poll(async () => (await fetch(`${app.url}/api/health`)).status, { timeout: 30_000, interval: 1_000 })
      .toBe(200)
    report('half-open-sync-connections', { idleTimeoutMs: IDLE_TIMEOUT_MS, ...figures })
  } finally {
    client.close()
  }
})
