import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, getShape, type ShapeServerFixture, startFixture, withQuery } from './support.ts'

let fixture: ShapeServerFixture

beforeAll(async () => {
  fixture = await startFixture({ longPollTimeoutMs: 30_000 })
  await fixture.sql.unsafe('CREATE TABLE feed (id int PRIMARY KEY, body text)')
})

afterAll(async () => {
  await fixture?.teardown()
})

async function liveUrl() {
  const first = await getShape(fixture.shapeUrl, { table: 'feed', offset: '-1' })
  const handle = first.headers.get('electric-handle') as string
  const caughtUp = await getShape(fixture.shapeUrl, { table: 'feed', offset: '0_0', handle })
  return withQuery(fixture.shapeUrl, {
    table: 'feed',
    handle,
    offset: caughtUp.headers.get('electric-offset') as string,
    live: 'true',
    cursor: '',
  })
}

function diagnosticsWhile(what: string) {
  return () => `${what}: ${JSON.stringify(fixture.server.diagnostics())}`
}

describe('many live long-polls', () => {
  it('holds 500 concurrent live requests and answers all of them after one write', async () => {
    const url = await liveUrl()
    const requests = Array.from({ length: 500 }, () =>
      // Node's fetch opens one connection per concurrent request to the same origin.
      fetch(url).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Array<{ key?: string; headers: Record<string, unknown> }>,
      })),
    )
    await eventually(
      () => fixture.server.diagnostics().heldRequests === 500,
      diagnosticsWhile('500 held requests'),
      30_000,
    )
    await fixture.sql`INSERT INTO feed VALUES (1, 'wake up')`
    const responses = await Promise.all(requests)
    expect(responses.every((response) => response.status === 200)).toBe(true)
    for (const { body } of responses) {
      expect(body.map((item) => item.key ?? item.headers.control)).toEqual(['"public"."feed"/"1"', 'up-to-date'])
    }
    expect(fixture.server.diagnostics().heldRequests).toBe(0)
  })

  it('releases held requests when their clients abort', async () => {
    const url = await liveUrl()
    const controllers = Array.from({ length: 50 }, () => new AbortController())
    const requests = controllers.map((controller) =>
      fetch(url, { signal: controller.signal }).catch((error: Error) => error.name),
    )
    await eventually(
      () => fixture.server.diagnostics().heldRequests === 50,
      diagnosticsWhile('50 held requests'),
      30_000,
    )
    for (const controller of controllers) controller.abort()
    expect(new Set(await Promise.all(requests))).toEqual(new Set(['AbortError']))
    await eventually(
      () => fixture.server.diagnostics().heldRequests === 0,
      diagnosticsWhile('aborted requests to be released'),
      30_000,
    )
    expect(fixture.server.diagnostics().heldRequests).toBe(0)
  })
})
