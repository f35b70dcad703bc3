import { count, eq, inArray } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createDatabaseClient } from '../../src/db/client'
import { authSessions, loginAttempts } from '../../src/db/schema'
import { SESSION_COOKIE } from '../../src/server/auth/cookies'
import { createUserAsOperator } from '../../src/server/auth/create-user'
import { hashPassword } from '../../src/server/auth/passwords'
import { authenticate, LOCAL_OWNER_SESSIONS_KEPT, startSession } from '../../src/server/auth/principal'
import { SESSION_CACHE_TTL_MS } from '../../src/server/auth/session-cache'
import { hashSessionToken } from '../../src/server/auth/tokens'
import { authRepository, SESSION_RENEW_AFTER_MS, SESSION_TTL_MS } from '../../src/server/repositories/auth-repository'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { createTestDatabase, databaseForThisFile } from '../helpers/database'

const testDb = databaseForThisFile({ maxConnections: 10 })

const page = (cookie?: string) =>
  new Request('http://127.0.0.1:3000/', { headers: { 'sec-fetch-dest': 'document', ...(cookie ? { cookie } : {}) } })
const api = (cookie?: string) =>
  new Request('http://127.0.0.1:3000/api/shape?shape=todos', { headers: cookie ? { cookie } : {} })
const tokenOf = (setCookie: string) => setCookie.split(';')[0].split('=')[1]

describe('local mode', () => {
  it('signs a page navigation in as the one local owner and accepts the cookie afterwards', async () => {
    const first = await authenticate(testDb.db, page(), { authMode: 'local' })
    expect(first.principal).toBeDefined()
    expect(first.setCookies).toHaveLength(1)
    const token = tokenOf(first.setCookies[0])
    const [stored] = await testDb.db
      .select()
      .from(authSessions)
      .where(eq(authSessions.id, hashSessionToken(token)))
    expect(stored.userId).toBe(first.principal?.user.id)

    const again = await authenticate(testDb.db, api(`${SESSION_COOKIE}=${token}`), { authMode: 'local' })
    expect(again.principal?.user.id).toBe(first.principal?.user.id)
    expect(again.setCookies).toEqual([])

    const second = await authenticate(testDb.db, page(), { authMode: 'local' })
    expect(second.principal?.user.id).toBe(first.principal?.user.id)
  })

  it('keeps a bounded number of owner sessions however many cookieless page loads arrive', async () => {
    const fresh = await createTestDatabase()
    const c = createDatabaseClient(fresh.url)
    try {
      const loads = []
      for (let index = 0; index < 50; index++) loads.push(await authenticate(c.db, page(), { authMode: 'local' }))
      const [{ n }] = await c.db.select({ n: count() }).from(authSessions)
      expect(n).toBeLessThanOrEqual(LOCAL_OWNER_SESSIONS_KEPT)
      // The newest cookie still works; the oldest one was dropped.
      const newest = tokenOf(loads.at(-1)?.setCookies[0] ?? '')
      expect(
        (await authenticate(c.db, api(`${SESSION_COOKIE}=${newest}`), { authMode: 'local' })).principal,
      ).toBeDefined()
      const oldest = tokenOf(loads[0].setCookies[0])
      expect(
        (await authenticate(c.db, api(`${SESSION_COOKIE}=${oldest}`), { authMode: 'local' })).principal,
      ).toBeUndefined()
    } finally {
      await c.close()
      await fresh.drop()
    }
  })

  it('never signs in API requests implicitly', async () => {
    const result = await authenticate(testDb.db, api(), { authMode: 'local' })
    expect(result).toEqual({ principal: undefined, setCookies: [] })
  })

  it('rejects forged, revoked and expired cookies', async () => {
    const forged = await authenticate(testDb.db, api(`${SESSION_COOKIE}=${'A'.repeat(43)}`), { authMode: 'local' })
    expect(forged.principal).toBeUndefined()

    const issued = await authenticate(testDb.db, page(), { authMode: 'local' })
    const token = tokenOf(issued.setCookies[0])
    await authRepository.revokeSession(testDb.db, hashSessionToken(token))
    expect(
      (await authenticate(testDb.db, api(`${SESSION_COOKIE}=${token}`), { authMode: 'local' })).principal,
    ).toBeUndefined()

    const later = await authenticate(testDb.db, page(), { authMode: 'local' })
    const laterToken = tokenOf(later.setCookies[0])
    const future = new Date(Date.now() + SESSION_TTL_MS + 1000)
    expect(
      (await authenticate(testDb.db, api(`${SESSION_COOKIE}=${laterToken}`), { authMode: 'local', now: future }))
        .principal,
    ).toBeUndefined()
  })

  it('serves a resolved cookie from memory for at most a second; a revocation through this process ends it at once', async () => {
    const issued = await authenticate(testDb.db, page(), { authMode: 'local' })
    const cookie = `${SESSION_COOKIE}=${tokenOf(issued.setCookies[0])}`
    const tokenHash = hashSessionToken(tokenOf(issued.setCookies[0]))
    const at = (offsetMs: number) => ({ authMode: 'local' as const, now: new Date(t0.getTime() + offsetMs) })
    const t0 = new Date()
    expect((await authenticate(testDb.db, api(cookie), at(0))).principal).toBeDefined()

    // Another instance (or the operator CLI) revokes it: this process still trusts it briefly …
    await testDb.db.update(authSessions).set({ revokedAt: new Date() }).where(eq(authSessions.id, tokenHash))
    expect((await authenticate(testDb.db, api(cookie), at(SESSION_CACHE_TTL_MS - 1))).principal).toBeDefined()
    // … and asks Postgres again once the entry is a TTL old.
    expect((await authenticate(testDb.db, api(cookie), at(SESSION_CACHE_TTL_MS))).principal).toBeUndefined()

    const other = await authenticate(testDb.db, page(), { authMode: 'local' })
    const otherCookie = `${SESSION_COOKIE}=${tokenOf(other.setCookies[0])}`
    expect((await authenticate(testDb.db, api(otherCookie), at(0))).principal).toBeDefined()
    await authRepository.revokeSession(testDb.db, hashSessionToken(tokenOf(other.setCookies[0])))
    expect((await authenticate(testDb.db, api(otherCookie), at(0))).principal).toBeUndefined()
  })

  it('slides the expiry forward for active sessions and re-sends the cookie', async () => {
    const issued = await authenticate(testDb.db, page(), { authMode: 'local' })
    const token = tokenOf(issued.setCookies[0])
    const soon = new Date(Date.now() + SESSION_RENEW_AFTER_MS + 60_000)
    const renewed = await authenticate(testDb.db, api(`${SESSION_COOKIE}=${token}`), { authMode: 'local', now: soon })
    expect(renewed.setCookies).toHaveLength(1)
    const [row] = await testDb.db
      .select()
      .from(authSessions)
      .where(eq(authSessions.id, hashSessionToken(token)))
    expect(row.expiresAt.getTime()).toBe(soon.getTime() + SESSION_TTL_MS)
  })

  it('a cookie issued through one app instance is accepted by another on the same database', async () => {
    const other = createDatabaseClient(testDb.url)
    try {
      const issued = await authenticate(testDb.db, page(), { authMode: 'local' })
      const token = tokenOf(issued.setCookies[0])
      const elsewhere = await authenticate(other.db, api(`${SESSION_COOKIE}=${token}`), { authMode: 'local' })
      expect(elsewhere.principal?.user.id).toBe(issued.principal?.user.id)
    } finally {
      await other.close()
    }
  })
})

describe('password mode', () => {
  it('does not sign anyone in implicitly; a started session works', async () => {
    const fresh = await createTestDatabase()
    const c = createDatabaseClient(fresh.url)
    try {
      expect((await authenticate(c.db, page(), { authMode: 'password' })).principal).toBeUndefined()
      const owner = await authRepository.createPasswordUser(c.db, {
        email: 'Owner@Example.com',
        displayName: 'Owner',
        passwordHash: await hashPassword('pw-123456789'),
      })
      expect(owner.user.email).toBe('owner@example.com')
      const cookie = await startSession(c.db, page(), owner.user.id)
      const result = await authenticate(c.db, api(`${SESSION_COOKIE}=${tokenOf(cookie)}`), { authMode: 'password' })
      expect(result.principal?.user.id).toBe(owner.user.id)
      const second = await authRepository.createPasswordUser(c.db, {
        email: 'guest@example.com',
        displayName: 'Guest',
        passwordHash: await hashPassword('pw-987654321'),
      })
      expect(second.account.id).not.toBe(owner.account.id)
    } finally {
      await c.close()
      await fresh.drop()
    }
  })

  it("an open sign-up never takes over the local owner's data; the operator's first user:create does", async () => {
    const fresh = await createTestDatabase()
    const c = createDatabaseClient(fresh.url)
    try {
      const local = await authenticate(c.db, page(), { authMode: 'local' })
      const localAccount = local.principal?.account.id
      await todosRepository.createTodo(c.db, { accountId: localAccount ?? '', text: 'imported before the switch' })

      // Whoever reaches the app first must not inherit what local mode (or import:legacy) stored.
      const stranger = await authRepository.createPasswordUser(c.db, {
        email: 'first-visitor@example.com',
        displayName: 'First visitor',
        passwordHash: await hashPassword('pw-123456789'),
      })
      expect(stranger.account.id).not.toBe(localAccount)
      expect(stranger.user.isOperator).toBe(false)
      expect(await todosRepository.listTodos(c.db, stranger.account.id)).toEqual([])

      const operator = await createUserAsOperator(c.db, {
        email: 'Me@Example.com',
        displayName: 'Me',
        password: 'pw-123456789',
      })
      expect(operator.user.id).toBe(local.principal?.user.id)
      expect(operator.account.id).toBe(localAccount)
      expect(operator.user.isOperator).toBe(true)
      expect((await todosRepository.listTodos(c.db, operator.account.id)).map((todo) => todo.text)).toEqual([
        'imported before the switch',
      ])

      const colleague = await createUserAsOperator(c.db, {
        email: 'colleague@example.com',
        displayName: 'Colleague',
        password: 'pw-987654321',
      })
      expect(colleague.account.id).not.toBe(localAccount)
      expect(colleague.user.isOperator).toBe(false)
      const second = await createUserAsOperator(c.db, {
        email: 'ops@example.com',
        displayName: 'Ops',
        password: 'pw-987654321',
        operator: true,
      })
      expect(second.user.isOperator).toBe(true)
      await expect(
        createUserAsOperator(c.db, { email: 'not-an-email', displayName: 'x', password: 'short' }),
      ).rejects.toThrow(/email address[\s\S]*at least 10 characters/)
    } finally {
      await c.close()
      await fresh.drop()
    }
  })
})

describe('pruning sign-in records', () => {
  it('deletes sessions dead before the cutoff and attempts made before it, and nothing else', async () => {
    const { user } = await authRepository.createPasswordUser(testDb.db, {
      email: `prune-${Date.now()}@example.test`,
      displayName: 'Pruned',
      passwordHash: await hashPassword('correct horse battery'),
    })
    const now = new Date()
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000)
    const tokenHash = (label: string) => hashSessionToken(`${label}-${now.getTime()}-${Math.random()}`)
    const expired = tokenHash('expired')
    const revoked = tokenHash('revoked')
    const recentlyRevoked = tokenHash('recently-revoked')
    const live = tokenHash('live')
    await testDb.db.insert(authSessions).values([
      { id: expired, userId: user.id, expiresAt: daysAgo(2) },
      { id: revoked, userId: user.id, expiresAt: daysAgo(-20), revokedAt: daysAgo(3) },
      { id: recentlyRevoked, userId: user.id, expiresAt: daysAgo(-20), revokedAt: now },
      { id: live, userId: user.id, expiresAt: daysAgo(-20) },
    ])
    const key = `email:prune-${now.getTime()}@example.test`
    await testDb.db.insert(loginAttempts).values([
      { key, succeeded: false, attemptedAt: daysAgo(2) },
      { key, succeeded: false, attemptedAt: now },
    ])

    const deleted = await authRepository.pruneAuthRecords(testDb.db, {
      sessionsBefore: daysAgo(1),
      attemptsBefore: daysAgo(1),
    })

    expect(deleted.sessions).toBeGreaterThanOrEqual(2)
    expect(deleted.attempts).toBeGreaterThanOrEqual(1)
    const left = await testDb.db
      .select({ id: authSessions.id })
      .from(authSessions)
      .where(inArray(authSessions.id, [expired, revoked, recentlyRevoked, live]))
    expect(left.map((row) => row.id).sort()).toEqual([live, recentlyRevoked].sort())
    const attempts = await testDb.db.select().from(loginAttempts).where(eq(loginAttempts.key, key))
    expect(attempts).toHaveLength(1)
    expect(attempts[0].attemptedAt.getTime()).toBe(now.getTime())
  })
})
