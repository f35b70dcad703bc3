import { describe, expect, it } from 'vitest'
import type { Principal } from '~/server/repositories/accounts-repository'
import { SESSION_CACHE_TTL_MS, sessionCache } from './session-cache'

const principalOf = (userId: string) => ({ user: { id: userId }, account: { id: `account-${userId}` } }) as Principal

describe('sessionCache', () => {
  it('keeps an entry for the TTL, never past the session expiry, and only for its database client', () => {
    const db = {}
    sessionCache.set(db, 'a', principalOf('u1'), 1_000, 1_000 + 10 * SESSION_CACHE_TTL_MS)
    expect(sessionCache.get(db, 'a', 1_000)?.user.id).toBe('u1')
    expect(sessionCache.get({}, 'a', 1_000)).toBeUndefined()
    expect(sessionCache.get(db, 'a', 999)).toBeUndefined()
    sessionCache.set(db, 'a', principalOf('u1'), 1_000, 1_000 + 10 * SESSION_CACHE_TTL_MS)
    expect(sessionCache.get(db, 'a', 1_000 + SESSION_CACHE_TTL_MS)).toBeUndefined()

    sessionCache.set(db, 'b', principalOf('u1'), 1_000, 1_010)
    expect(sessionCache.get(db, 'b', 1_009)).toBeDefined()
    expect(sessionCache.get(db, 'b', 1_010)).toBeUndefined()
  })

  it('forgets one session, or every session of a user, in every database client', () => {
    const [first, second] = [{}, {}]
    for (const db of [first, second]) {
      sessionCache.set(db, 'x', principalOf('u1'), 0, 60_000)
      sessionCache.set(db, 'y', principalOf('u1'), 0, 60_000)
      sessionCache.set(db, 'z', principalOf('u2'), 0, 60_000)
    }
    sessionCache.forgetSession('x')
    expect([sessionCache.get(first, 'x', 1), sessionCache.get(second, 'x', 1)]).toEqual([undefined, undefined])
    sessionCache.forgetUser('u1')
    expect(sessionCache.get(second, 'y', 1)).toBeUndefined()
    expect(sessionCache.get(second, 'z', 1)?.user.id).toBe('u2')
  })

  it('shares one lookup between concurrent misses of a cookie, never across a revocation', async () => {
    const db = {}
    let lookups = 0
    let finish: (principal: Principal) => void = () => {}
    const lookup = () => {
      lookups++
      return new Promise<Principal>((resolve) => {
        finish = resolve
      })
    }
    const waiting = [sessionCache.shareLookup(db, 'c', lookup), sessionCache.shareLookup(db, 'c', lookup)]
    expect(lookups).toBe(1)
    const firstFinish = finish
    // Another database client, or a lookup after a revocation, asks on its own.
    void sessionCache.shareLookup({}, 'c', lookup)
    expect(lookups).toBe(2)
    sessionCache.forgetSession('c')
    void sessionCache.shareLookup(db, 'c', lookup)
    expect(lookups).toBe(3)
    firstFinish(principalOf('u1'))
    expect((await Promise.all(waiting)).map((principal) => principal.user.id)).toEqual(['u1', 'u1'])
    // Once settled, the next miss queries again (the cache, not this, remembers results).
    void sessionCache.shareLookup(db, 'd', lookup)
    expect(lookups).toBe(4)
  })
})
