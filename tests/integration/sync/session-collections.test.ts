/**
 * Session-scoped collections through the proxy: an on-demand timeline loads exactly the rows a
 * live query asks for (subset snapshots through /api/shape), and stays live.
 */

import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection, createLiveQueryCollection, gte, like } from '@tanstack/react-db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sessionCollectionConfig } from '../../../src/collections/session-collections'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { timelineEvents } from '../../../src/db/schema'
import type { Principal } from '../../../src/server/repositories/accounts-repository'
import { proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { eventually } from '../../helpers/eventually'
import { seedAccountWithSession } from '../../helpers/seed'
import { type SyncTarget, startSyncTarget } from '../../helpers/sync-target'

let database: TestDatabase
let client: DatabaseClient
let sync: SyncTarget
let principal: Principal
let sessionId: string
const requests: string[] = []

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url)
  const seeded = await seedAccountWithSession(client.db, 'timeline owner')
  principal = { account: seeded.account, user: seeded.user }
  sessionId = seeded.session.id
  await client.db.insert(timelineEvents).values(
    Array.from({ length: 200 }, (_, ordinal) => ({
      accountId: seeded.account.id,
      sessionId,
      ordinal,
      type: ordinal % 2 ? ('LocalShellCall' as const) : ('Message' as const),
      command: ordinal % 2 ? `git status #${ordinal}` : null,
      summary: `event ${ordinal}`,
      at: new Date(Date.UTC(2026, 1, 23, 12, 0, ordinal)),
      payload: { ordinal },
    })),
  )
  sync = await startSyncTarget(database.url)
})
afterAll(async () => {
  await sync?.close()
  await client?.close()
  await database?.drop()
})

/** The app's own timeline collection configuration, fetching through the proxy instead of a browser. */
function timelineCollection() {
  const config = sessionCollectionConfig('timeline_events', sessionId)
  return createCollection(
    electricCollectionOptions({
      ...config,
      id: `${config.id}:${Math.random()}`,
      shapeOptions: {
        ...config.shapeOptions,
        url: 'http://app.test/api/shape',
        fetchClient: (input, init) => {
          const request = new Request(input, init)
          requests.push(`${request.method} ${new URL(request.url).search}`)
          return proxyShapeRequest(request, {
            db: client.db,
            principal,
            electricUrl: sync.url,
            electricSecret: sync.secret,
          })
        },
      },
    }),
  )
}

describe('on-demand timeline', () => {
  it('loads only what a live query selects, then follows new events live', async () => {
    const events = timelineCollection()
    const latestShellCalls = createLiveQueryCollection((q) =>
      q
        .from({ e: events })
        .where(({ e }) => like(e.command, 'git status%'))
        .where(({ e }) => gte(e.ordinal, 150))
        .orderBy(({ e }) => e.ordinal, 'desc')
        .limit(5),
    )
    await latestShellCalls.preload()
    await eventually(() => latestShellCalls.size === 5, 'the first page')
    expect(latestShellCalls.toArray.map((e) => e.ordinal)).toEqual([199, 197, 195, 193, 191])
    const first = latestShellCalls.toArray[0]
    expect(first.at).toBeInstanceOf(Date)
    expect(first.payload).toEqual({ ordinal: 199 })
    // On demand: the collection holds the requested subset, not the 200-row timeline.
    expect(events.size).toBeLessThan(200)
    expect(requests.some((r) => r.includes('subset__') || r.startsWith('POST'))).toBe(true)

    await client.db.insert(timelineEvents).values({
      accountId: principal.account.id,
      sessionId,
      ordinal: 201,
      type: 'LocalShellCall',
      command: 'git status --short',
      summary: 'event 201',
    })
    await eventually(() => latestShellCalls.toArray[0]?.ordinal === 201, 'the new event')
    expect(latestShellCalls.toArray.map((e) => e.ordinal)).toEqual([201, 199, 197, 195, 193])
    await latestShellCalls.cleanup()
    await events.cleanup()
  })
})
