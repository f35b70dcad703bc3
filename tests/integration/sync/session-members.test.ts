/**
 * Team membership against real Postgres and the real shape server: only the owner adds and
 * removes members; the member's `shared_sessions` shape holds exactly the sessions shared with
 * them (ids computed by the proxy, no subquery), a held live request ends with must-refetch when
 * the memberships change, and the member's access to the session's own shapes follows.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { users } from '../../../src/db/schema'
import type { Principal } from '../../../src/server/repositories/accounts-repository'
import { InvalidInputError, NotFoundError } from '../../../src/server/repositories/errors'
import { sessionMembersRepository } from '../../../src/server/repositories/session-members-repository'
import type { AccessWatch } from '../../../src/server/shapes/access-watch'
import { createMemberWatch } from '../../../src/server/shapes/member-watch'
import { proxyShapeRequest } from '../../../src/server/shapes/shape-proxy'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { seedAccountWithEverything } from '../../helpers/seed-everything'
import { type SyncTarget, startSyncTarget } from '../../helpers/sync-target'

type Seeded = Awaited<ReturnType<typeof seedAccountWithEverything>>
type Item = { value?: Record<string, unknown>; headers: Record<string, unknown> }

let database: TestDatabase
let client: DatabaseClient
let sync: SyncTarget
let watch: AccessWatch
let alice: Seeded
let bob: Seeded
let carol: Seeded
const email = (who: Seeded) => who.user.email as string

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url)
  alice = await seedAccountWithEverything(client.db, 'alice')
  bob = await seedAccountWithEverything(client.db, 'bob')
  carol = await seedAccountWithEverything(client.db, 'carol')
  for (const who of [alice, bob, carol]) {
    const [user] = await client.db
      .update(users)
      .set({ email: `${randomUUID()}@members.test` })
      .where(eq(users.id, who.user.id))
      .returning()
    who.user = user
    who.principal = { ...who.principal, user }
  }
  sync = await startSyncTarget(database.url)
  watch = createMemberWatch(client.db, 100)
})
afterAll(async () => {
  await sync?.close()
  await client?.close()
  await database?.drop()
})

function as(principal: Principal, query: string) {
  return proxyShapeRequest(new Request(`http://app.test/api/shape?${query}`), {
    db: client.db,
    principal,
    electricUrl: sync.url,
    electricSecret: sync.secret,
    memberWatch: watch,
  })
}

async function sharedWith(who: Seeded) {
  let response = await as(who.principal, 'shape=shared_sessions&offset=-1')
  const rows: Record<string, unknown>[] = []
  for (let i = 0; i < 10; i++) {
    expect(response.status, await response.clone().text()).toBe(200)
    const items = (await response.json()) as Item[]
    for (const item of items) if (item.value) rows.push(item.value)
    const handle = response.headers.get('electric-handle') ?? ''
    const offset = response.headers.get('electric-offset') ?? ''
    if (items.at(-1)?.headers.control === 'up-to-date') return { rows, handle, offset }
    response = await as(who.principal, `shape=shared_sessions&offset=${offset}&handle=${handle}`)
  }
  throw new Error('never up to date')
}

describe('adding and removing members', () => {
  it('only the owner adds, by e-mail; not a user of their own account, not an unknown e-mail', async () => {
    await expect(
      sessionMembersRepository.addMember(client.db, bob.account.id, alice.session.id, email(carol)),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      sessionMembersRepository.addMember(client.db, alice.account.id, alice.session.id, 'nobody@members.test'),
    ).rejects.toBeInstanceOf(InvalidInputError)
    await expect(
      sessionMembersRepository.addMember(client.db, alice.account.id, alice.session.id, email(alice)),
    ).rejects.toBeInstanceOf(InvalidInputError)
  })

  it("the member's shared_sessions shape holds exactly what is shared with them", async () => {
    expect((await sharedWith(bob)).rows).toEqual([])
    const added = await sessionMembersRepository.addMember(
      client.db,
      alice.account.id,
      alice.session.id,
      email(bob).toUpperCase(),
    )
    expect(added).toMatchObject({ userId: bob.user.id, added: true })
    const { rows } = await sharedWith(bob)
    expect(rows.map((row) => row.id)).toEqual([alice.session.id])
    expect(rows[0].account_id).toBe(alice.account.id)
    // Carol sees nothing of it, and Bob can now read the session's own shapes.
    expect((await sharedWith(carol)).rows).toEqual([])
    expect((await as(bob.principal, `shape=timeline_events&session=${alice.session.id}&offset=-1`)).status).toBe(200)
    expect((await as(carol.principal, `shape=timeline_events&session=${alice.session.id}&offset=-1`)).status).toBe(403)
    // Adding again changes nothing; a member cannot add others.
    expect(
      (await sessionMembersRepository.addMember(client.db, alice.account.id, alice.session.id, email(bob))).added,
    ).toBe(false)
    await expect(
      sessionMembersRepository.addMember(client.db, bob.account.id, alice.session.id, email(carol)),
    ).rejects.toBeInstanceOf(NotFoundError)
    expect(
      (await sessionMembersRepository.listMembers(client.db, alice.account.id, alice.session.id)).map((m) => m.userId),
    ).toEqual([bob.user.id])
    await expect(
      sessionMembersRepository.listMembers(client.db, bob.account.id, alice.session.id),
    ).rejects.toBeInstanceOf(NotFoundError)
  })

  it('a membership change ends a held live request with must-refetch; removal takes the session away', async () => {
    const { handle, offset } = await sharedWith(bob)
    const pending = as(bob.principal, `shape=shared_sessions&offset=${offset}&handle=${handle}&live=true`)
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await sessionMembersRepository.addMember(client.db, carol.account.id, carol.session.id, email(bob))
    const cut = await pending
    expect(cut.status).toBe(409)
    expect(((await cut.json()) as Item[])[0].headers.control).toBe('must-refetch')
    expect((await sharedWith(bob)).rows.map((row) => row.id).sort()).toEqual(
      [alice.session.id, carol.session.id].sort(),
    )

    // The old handle is no longer Bob's shape: the client is told to refetch, never served stale rows.
    const stale = await as(bob.principal, `shape=shared_sessions&offset=${offset}&handle=${handle}`)
    expect(stale.status).toBe(409)

    await expect(
      sessionMembersRepository.removeMember(client.db, bob.account.id, alice.session.id, bob.user.id),
    ).rejects.toBeInstanceOf(NotFoundError)
    const current = await sharedWith(bob)
    const held = as(bob.principal, `shape=shared_sessions&offset=${current.offset}&handle=${current.handle}&live=true`)
    while (watch.heldCount === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await sessionMembersRepository.removeMember(client.db, alice.account.id, alice.session.id, bob.user.id)
    expect((await held).status).toBe(409)
    expect((await sharedWith(bob)).rows.map((row) => row.id)).toEqual([carol.session.id])
    expect((await as(bob.principal, `shape=timeline_events&session=${alice.session.id}&offset=-1`)).status).toBe(403)
  })

  it('the owners of shared sessions are named for the explorer', async () => {
    const owners = await sessionMembersRepository.sharingOwners(client.db, {
      userId: bob.user.id,
      accountId: bob.account.id,
    })
    expect(owners).toEqual([{ accountId: carol.account.id, name: 'carol user' }])
  })
})
