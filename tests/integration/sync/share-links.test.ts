/**
 * Share links against real Postgres and the real shape server: only the owner creates and revokes;
 * the token opens exactly one session's rows (and only the included extras); revoked, expired and
 * unknown tokens open nothing; a held live request ends when its link is revoked or expires — also
 * when the revocation is made through another app instance on the same database.
 */
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { sessionMembers, shareLinks } from '../../../src/db/schema'
import { NotFoundError } from '../../../src/server/repositories/errors'
import {
  hashShareToken,
  type ShareLinkOptions,
  shareLinksRepository,
} from '../../../src/server/repositories/share-links-repository'
import type { AccessWatch } from '../../../src/server/shapes/access-watch'
import { createShareLinkWatch, serveShareRaw } from '../../../src/server/share/share-shape'
import { SHARE_SHAPES, SHARE_TOKEN_PATTERN } from '../../../src/sync/share-catalog'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { seedAccountWithEverything } from '../../helpers/seed-everything'
import { readShareRows, type ShapeItem, shareRequester } from '../../helpers/share-reader'
import { type SyncTarget, startSyncTarget } from '../../helpers/sync-target'

let database: TestDatabase
let client: DatabaseClient
let otherInstance: DatabaseClient
let sync: SyncTarget
let watch: AccessWatch
let alice: Awaited<ReturnType<typeof seedAccountWithEverything>>
let bob: Awaited<ReturnType<typeof seedAccountWithEverything>>
let request: ReturnType<typeof shareRequester>

const NONE: ShareLinkOptions = { includeUploads: false, includeRules: false, includeCoach: false, expiresAt: null }

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url)
  otherInstance = createDatabaseClient(database.url)
  alice = await seedAccountWithEverything(client.db, 'alice')
  bob = await seedAccountWithEverything(client.db, 'bob')
  sync = await startSyncTarget(database.url)
  watch = createShareLinkWatch(client.db, 100)
  request = shareRequester(client.db, sync, watch)
})
afterAll(async () => {
  await sync?.close()
  await client?.close()
  await otherInstance?.close()
  await database?.drop()
})

async function newLink(options = NONE, session = alice.session.id) {
  return shareLinksRepository.createLink(
    client.db,
    { accountId: alice.account.id, userId: alice.user.id },
    session,
    options,
  )
}

describe('creating and revoking', () => {
  it('gives a high-entropy token once and stores only its hash', async () => {
    const { link, token, txid } = await newLink()
    expect(token).toMatch(SHARE_TOKEN_PATTERN)
    expect(txid).toBeGreaterThan(0)
    const [stored] = await client.db.select().from(shareLinks).where(eq(shareLinks.id, link.id))
    expect(stored.tokenHash).toBe(hashShareToken(token))
    const dump = await client.db.execute(sql`select * from share_links`)
    expect(JSON.stringify(dump)).not.toContain(token.slice(4))
  })

  it("refuses to share another account's session, even one shared with the caller", async () => {
    await client.db.insert(sessionMembers).values({ sessionId: bob.session.id, userId: alice.user.id, role: 'viewer' })
    await expect(newLink(NONE, bob.session.id)).rejects.toBeInstanceOf(NotFoundError)
  })

  it("only the owner revokes; revoking twice is harmless; another account's revoke changes nothing", async () => {
    const { link } = await newLink()
    await expect(shareLinksRepository.revokeLink(client.db, bob.account.id, link.id)).rejects.toBeInstanceOf(
      NotFoundError,
    )
    expect((await shareLinksRepository.endedLinks(client.db, [link.id])).size).toBe(0)
    const first = await shareLinksRepository.revokeLink(client.db, alice.account.id, link.id)
    expect(first.txid).toBeGreaterThan(0)
    await shareLinksRepository.revokeLink(client.db, alice.account.id, link.id)
    expect(await shareLinksRepository.endedLinks(client.db, [link.id])).toEqual(new Map([[link.id, 'revoked']]))
  })

  it('resolves tokens by the database clock: valid, revoked, expired, unknown, malformed', async () => {
    const valid = await newLink()
    expect((await shareLinksRepository.resolveToken(client.db, valid.token)).state).toBe('valid')
    const expired = await newLink({ ...NONE, expiresAt: new Date(Date.now() - 1_000) })
    expect((await shareLinksRepository.resolveToken(client.db, expired.token)).state).toBe('expired')
    const revoked = await newLink()
    await shareLinksRepository.revokeLink(client.db, alice.account.id, revoked.link.id)
    expect((await shareLinksRepository.resolveToken(client.db, revoked.token)).state).toBe('revoked')
    expect((await shareLinksRepository.resolveToken(client.db, `${valid.token.slice(0, -1)}x`)).state).toBe('unknown')
    expect((await shareLinksRepository.resolveToken(client.db, "' or 1=1 --")).state).toBe('unknown')
  })

  it('counts views', async () => {
    const { link } = await newLink()
    await shareLinksRepository.recordView(client.db, link.id)
    await shareLinksRepository.recordView(client.db, link.id)
    const [row] = await client.db.select().from(shareLinks).where(eq(shareLinks.id, link.id))
    expect(row.viewCount).toBe(2)
    expect(row.lastViewedAt).toBeInstanceOf(Date)
  })
})

describe('the share shape endpoint', () => {
  it("serves only the shared session's rows, without the owner's local paths", async () => {
    const token = alice.shareToken
    for (const name of Object.keys(SHARE_SHAPES)) {
      const { rows } = await readShareRows(request, `shape=${name}&share=${token}`)
      expect(rows.length, name).toBeGreaterThan(0)
      for (const row of rows) {
        if (name === 'session') expect(row.id).toBe(alice.session.id)
        else expect(row.session_id, name).toBe(alice.session.id)
      }
      if (name === 'session') {
        for (const hidden of SHARE_SHAPES.session.hiddenColumns) expect(rows[0]).not.toHaveProperty(hidden)
      }
    }
  })

  it('serves uploads, rules and coach threads only when the link includes them', async () => {
    const { token } = await newLink()
    expect((await request(`shape=timeline_events&share=${token}&offset=-1`)).status).toBe(200)
    for (const name of ['session_uploads', 'misalignments', 'agent_rules', 'chat_threads', 'chat_messages']) {
      const response = await request(`shape=${name}&share=${token}&offset=-1`)
      expect(response.status, name).toBe(403)
    }
    const coachOnly = await newLink({ ...NONE, includeCoach: true })
    expect((await request(`shape=chat_messages&share=${coachOnly.token}&offset=-1`)).status).toBe(200)
    expect((await request(`shape=misalignments&share=${coachOnly.token}&offset=-1`)).status).toBe(403)
  })

  it('ignores table, where, columns, params and session in the URL', async () => {
    const attack = new URLSearchParams({
      shape: 'timeline_events',
      share: alice.shareToken,
      table: 'users',
      where: 'true',
      columns: 'password_hash',
      'params[1]': bob.session.id,
      session: bob.session.id,
    })
    const { rows } = await readShareRows(request, attack.toString())
    expect(rows.map((row) => row.session_id)).toEqual([alice.session.id, alice.session.id])
  })

  it('refuses revoked (410), expired (410) and unknown (404) links with a message', async () => {
    const revoked = await newLink()
    await shareLinksRepository.revokeLink(client.db, alice.account.id, revoked.link.id)
    const expired = await newLink({ ...NONE, expiresAt: new Date(Date.now() - 1_000) })
    const cases: [string, number, string][] = [
      [revoked.token, 410, 'revoked'],
      [expired.token, 410, 'expired'],
      [`scs_${'A'.repeat(43)}`, 404, 'unknown'],
      ['', 404, 'unknown'],
    ]
    for (const [token, status, state] of cases) {
      const response = await request(`shape=timeline_events&share=${token}&offset=-1`)
      expect(response.status).toBe(status)
      const body = (await response.json()) as { state: string; message: string }
      expect(body.state).toBe(state)
      expect(body.message.length).toBeGreaterThan(20)
    }
  })
})

describe('the raw log', () => {
  const raw = (token: string) =>
    serveShareRaw(new Request(`http://app.test/api/share/raw?share=${encodeURIComponent(token)}`), client.db)

  it('is served only when the link includes uploads, and never for ended links', async () => {
    const included = await raw(alice.shareToken)
    expect(included.status).toBe(200)
    expect(await included.text()).toContain('alice SECRET CONTENT')
    const narrow = await newLink()
    const refused = await raw(narrow.token)
    expect(refused.status).toBe(403)
    expect(await refused.text()).not.toContain('SECRET')
    await shareLinksRepository.revokeLink(client.db, alice.account.id, narrow.link.id)
    expect((await raw(narrow.token)).status).toBe(410)
    expect((await raw('scs_guess')).status).toBe(404)
  })
})

/** A live request held by the sync service (the shape is up to date, nothing new arrives). */
async function heldLiveRequest(token: string, via = request) {
  const { handle, offset } = await readShareRows(via, `shape=timeline_events&share=${token}`)
  return via(`shape=timeline_events&share=${token}&handle=${handle}&offset=${offset}&live=true`)
}

describe('held live requests end with their link', () => {
  it('a revocation ends a held request with 410 instead of the long-poll timeout', async () => {
    const { link, token } = await newLink()
    const pending = heldLiveRequest(token)
    // The request is held once the watch knows it; then the owner revokes.
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await shareLinksRepository.revokeLink(client.db, alice.account.id, link.id)
    const response = await pending
    expect(response.status).toBe(410)
    expect(((await response.json()) as { state: string }).state).toBe('revoked')
    expect(watch.heldCount).toBe(0)
  })

  it('an expiry ends a held request too', async () => {
    const { link, token } = await newLink()
    const pending = heldLiveRequest(token)
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await client.db.update(shareLinks).set({ expiresAt: sql`now()` }).where(eq(shareLinks.id, link.id))
    const response = await pending
    expect(response.status).toBe(410)
    expect(((await response.json()) as { state: string }).state).toBe('expired')
  })

  it('a revocation through another app instance ends this instance’s held requests', async () => {
    const { link, token } = await newLink()
    const pending = heldLiveRequest(token)
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    // The other instance has its own pool and its own watch; only Postgres is shared.
    const otherWatch = createShareLinkWatch(otherInstance.db, 100)
    expect(otherWatch.heldCount).toBe(0)
    await shareLinksRepository.revokeLink(otherInstance.db, alice.account.id, link.id)
    expect((await pending).status).toBe(410)
  })

  it('live changes of the shared session still arrive while the link is valid', async () => {
    const { token } = await newLink()
    const pending = heldLiveRequest(token)
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await client.db.execute(
      sql`insert into timeline_events (account_id, session_id, ordinal, type, summary) values (${alice.account.id}, ${alice.session.id}, 2, 'Message', 'a new event')`,
    )
    const response = await pending
    expect(response.status).toBe(200)
    const items = (await response.json()) as ShapeItem[]
    expect(items.some((item) => item.value?.summary === 'a new event')).toBe(true)
  })
})
