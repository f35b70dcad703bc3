/**
 * A short-lived memory of resolved session cookies, per database client. Every request to the app
 * used to look its cookie up in Postgres — for `/api/shape`, where one commit wakes every open
 * long-poll of a browser at once, that was one query per collection per change. An entry lives
 * `SESSION_CACHE_TTL_MS` (and never past the session's expiry). Revoking through this process
 * forgets the entries at once (auth-repository calls `forgetSession`/`forgetUser`); a revocation by
 * another app instance or the operator CLI takes effect here within the TTL.
 */
import type { Principal } from '~/server/repositories/accounts-repository'

export const SESSION_CACHE_TTL_MS = 1_000
/** Bounded so a flood of distinct valid cookies cannot grow the process. */
const MAX_ENTRIES = 10_000

interface Entry {
  principal: Principal
  cachedAt: number
  validUntil: number
}

const caches = new WeakMap<object, Map<string, Entry>>()
/** Lookups under way, per database client, so concurrent misses of one cookie share one query. */
const pendingLookups = new WeakMap<object, Map<string, Promise<unknown>>>()
/** Bumped by every revocation: a lookup started before it is never joined after it. */
let revocations = 0
/** Every cache, so a revocation through one database client reaches entries made through another. */
const allCaches = new Set<WeakRef<Map<string, Entry>>>()

function cacheFor(db: object) {
  let cache = caches.get(db)
  if (!cache) {
    cache = new Map()
    caches.set(db, cache)
    allCaches.add(new WeakRef(cache))
  }
  return cache
}

function eachCache(visit: (cache: Map<string, Entry>) => void) {
  for (const reference of allCaches) {
    const cache = reference.deref()
    if (cache) visit(cache)
    else allCaches.delete(reference)
  }
}

export const sessionCache = {
  get(db: object, tokenHash: string, now: number): Principal | undefined {
    const entry = caches.get(db)?.get(tokenHash)
    if (!entry) return undefined
    // A clock before the entry (tests pass `now`) or past its life: ask Postgres again.
    if (now < entry.cachedAt || now >= entry.validUntil) {
      caches.get(db)?.delete(tokenHash)
      return undefined
    }
    return entry.principal
  },

  set(db: object, tokenHash: string, principal: Principal, now: number, expiresAt: number) {
    const cache = cacheFor(db)
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string)
    cache.set(tokenHash, { principal, cachedAt: now, validUntil: Math.min(now + SESSION_CACHE_TTL_MS, expiresAt) })
  },

  /**
   * One Postgres lookup per cookie however many requests miss the cache at the same moment: a
   * commit wakes every open long-poll of a browser together, and when the entry has just expired
   * each of them would otherwise query on its own.
   */
  shareLookup<T>(db: object, tokenHash: string, lookup: () => Promise<T>): Promise<T> {
    let pending = pendingLookups.get(db)
    if (!pending) {
      pending = new Map()
      pendingLookups.set(db, pending)
    }
    const key = `${revocations}:${tokenHash}`
    const existing = pending.get(key) as Promise<T> | undefined
    if (existing) return existing
    const started = lookup().finally(() => pending.delete(key))
    pending.set(key, started)
    return started
  },

  forgetSession(tokenHash: string) {
    revocations++
    eachCache((cache) => cache.delete(tokenHash))
  },

  forgetUser(userId: string) {
    revocations++
    eachCache((cache) => {
      for (const [tokenHash, entry] of cache) if (entry.principal.user.id === userId) cache.delete(tokenHash)
    })
  },
}
