/**
 * Team membership (password mode): an owner shares a session with another account's user, who then
 * reads it (explorer, timeline, coach threads) but cannot change it. Ownership is part of every
 * WHERE clause here; reads of shared sessions go through `findAccessibleSession` and the
 * `shared_sessions` shape, whose ids the shape proxy computes with `sharedSessionIds`.
 */
import { createHash } from 'node:crypto'
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { accounts, sessionMembers, sessions, users } from '~/db/schema'
import { InvalidInputError, NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

async function assertOwned(db: Executor, ownerAccountId: string, sessionId: string) {
  const [session] = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, ownerAccountId)))
  if (!session) throw new NotFoundError('Session', sessionId)
}

/** A short, stable fingerprint of a set of session ids (what a held member shape was built from). */
export function membershipSignature(sessionIds: readonly string[]) {
  return createHash('sha256')
    .update([...sessionIds].sort().join(','))
    .digest('hex')
    .slice(0, 16)
}

export const sessionMembersRepository = {
  async addMember(
    db: Executor,
    ownerAccountId: string,
    sessionId: string,
    email: string,
  ): Promise<WithTxid<{ userId: string; added: boolean }>> {
    return writeTransaction(db, async (tx) => {
      await assertOwned(tx, ownerAccountId, sessionId)
      const [user] = await tx
        .select({ id: users.id, accountId: users.accountId })
        .from(users)
        .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
      if (!user) throw new InvalidInputError(`No one on this server signs in as ${email.trim()}; check the e-mail.`)
      if (user.accountId === ownerAccountId)
        throw new InvalidInputError('That person is in your account already and sees every session of it.')
      const inserted = await tx
        .insert(sessionMembers)
        .values({ sessionId, userId: user.id, role: 'viewer' })
        .onConflictDoNothing()
        .returning({ userId: sessionMembers.userId })
      return { userId: user.id, added: inserted.length > 0 }
    })
  },

  async removeMember(
    db: Executor,
    ownerAccountId: string,
    sessionId: string,
    userId: string,
  ): Promise<WithTxid<object>> {
    return writeTransaction(db, async (tx) => {
      await assertOwned(tx, ownerAccountId, sessionId)
      await tx
        .delete(sessionMembers)
        .where(and(eq(sessionMembers.sessionId, sessionId), eq(sessionMembers.userId, userId)))
      return {}
    })
  },

  async listMembers(db: Executor, ownerAccountId: string, sessionId: string) {
    await assertOwned(db, ownerAccountId, sessionId)
    return db
      .select({ userId: users.id, name: users.displayName, email: users.email, addedAt: sessionMembers.createdAt })
      .from(sessionMembers)
      .innerJoin(users, eq(users.id, sessionMembers.userId))
      .where(eq(sessionMembers.sessionId, sessionId))
      .orderBy(asc(sessionMembers.createdAt))
  },

  /** Sessions of other accounts shared with the user, sorted (a stable shape definition). */
  async sharedSessionIds(db: Executor, principal: { userId: string; accountId: string }): Promise<string[]> {
    const rows = await db
      .select({ id: sessions.id })
      .from(sessionMembers)
      .innerJoin(sessions, eq(sessions.id, sessionMembers.sessionId))
      .where(and(eq(sessionMembers.userId, principal.userId), ne(sessions.accountId, principal.accountId)))
      .orderBy(asc(sessions.id))
    return rows.map((row) => row.id)
  },

  /** For each user, the signature of the sessions shared with them now. */
  async signatures(db: Executor, userIds: readonly string[]): Promise<Map<string, string>> {
    const rows =
      userIds.length === 0
        ? []
        : await db
            .select({
              userId: sessionMembers.userId,
              sessionId: sessionMembers.sessionId,
              accountId: users.accountId,
              owner: sessions.accountId,
            })
            .from(sessionMembers)
            .innerJoin(sessions, eq(sessions.id, sessionMembers.sessionId))
            .innerJoin(users, eq(users.id, sessionMembers.userId))
            .where(inArray(sessionMembers.userId, [...userIds]))
    const byUser = new Map<string, string[]>(userIds.map((id) => [id, []]))
    for (const row of rows) if (row.owner !== row.accountId) byUser.get(row.userId)?.push(row.sessionId)
    return new Map([...byUser].map(([userId, ids]) => [userId, membershipSignature(ids)]))
  },

  /**
   * Who shared sessions with the user, by owning account (shown in the explorer): the account's
   * first user's display name (the person), else the account's name.
   */
  async sharingOwners(db: Executor, principal: { userId: string; accountId: string }) {
    return db
      .selectDistinct({
        accountId: accounts.id,
        name: sql<string>`coalesce((select ${users.displayName} from ${users} where ${users.accountId} = ${accounts.id} order by ${users.createdAt}, ${users.id} limit 1), ${accounts.name})`,
      })
      .from(sessionMembers)
      .innerJoin(sessions, eq(sessions.id, sessionMembers.sessionId))
      .innerJoin(accounts, eq(accounts.id, sessions.accountId))
      .where(and(eq(sessionMembers.userId, principal.userId), ne(sessions.accountId, principal.accountId)))
  },
}
