/**
 * Held `shared_sessions` requests, keyed `<user id>|<signature of the ids the shape was built
 * from>`. When the sessions shared with a user change (a member added or removed, on any app
 * instance), the shape's definition changes; held requests are answered 409 must-refetch so the
 * browser asks again and gets the new shape at once instead of after the long-poll timeout.
 */
import type { Executor } from '~/db/client'
import { getDatabaseClient } from '~/server/database'
import { sessionMembersRepository } from '~/server/repositories/session-members-repository'
import { AccessWatch } from './access-watch'

export const MEMBER_WATCH_INTERVAL_MS = 1_000

export function memberHoldKey(userId: string, signature: string) {
  return `${userId}|${signature}`
}

export function createMemberWatch(db: Executor, intervalMs = MEMBER_WATCH_INTERVAL_MS) {
  return new AccessWatch({
    intervalMs,
    async findEnded(keys) {
      const users = [...new Set(keys.map((key) => key.split('|')[0]))]
      const current = await sessionMembersRepository.signatures(db, users)
      const ended = new Map<string, string>()
      for (const key of keys) {
        const [userId, signature] = key.split('|')
        if (current.get(userId) !== signature) ended.set(key, 'membership-changed')
      }
      return ended
    },
  })
}

const holder = globalThis as typeof globalThis & { __sessionCoachMemberWatch?: AccessWatch }

export function getMemberWatch(): AccessWatch {
  holder.__sessionCoachMemberWatch ??= createMemberWatch(getDatabaseClient().db)
  return holder.__sessionCoachMemberWatch
}

/** What a cut member request answers: the client refetches and gets the new definition. */
export function mustRefetchResponse() {
  return new Response(JSON.stringify([{ headers: { control: 'must-refetch' } }]), {
    status: 409,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', vary: 'Cookie' },
  })
}
