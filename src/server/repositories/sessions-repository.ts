/**
 * Agent sessions. (account_id, source_key) is unique, so ingesting the same log twice — or two
 * instances ingesting it at once — yields one session.
 */
import { and, desc, eq, or, sql } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { type NewSession, type Session, sessionMembers, sessions } from '../../db/schema'
import { currentTxid } from '../../db/txid'
import { toStorableText } from '../../domain/storable-text'
import type { WithTxid } from './errors'

export type SessionInput = Omit<NewSession, 'id' | 'createdAt' | 'updatedAt'>

function storable(input: SessionInput): SessionInput {
  const out: Record<string, unknown> = { ...input }
  for (const [key, value] of Object.entries(out)) if (typeof value === 'string') out[key] = toStorableText(value)
  return out as SessionInput
}

export const sessionsRepository = {
  /** Creates the session, or returns the existing one for the same (account, source_key) unchanged. */
  async findOrCreateSession(
    db: Executor,
    input: SessionInput,
  ): Promise<WithTxid<{ session: Session; created: boolean }>> {
    return db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(sessions)
        .values(storable(input))
        .onConflictDoNothing({ target: [sessions.accountId, sessions.sourceKey] })
        .returning()
      const session =
        inserted ??
        (
          await tx
            .select()
            .from(sessions)
            .where(and(eq(sessions.accountId, input.accountId), eq(sessions.sourceKey, input.sourceKey)))
        )[0]
      return { session, created: Boolean(inserted), txid: await currentTxid(tx) }
    })
  },

  /** The session if the user may read it: owned by the user's account, or shared with the user. */
  async findAccessibleSession(db: Executor, principal: { accountId: string; userId: string }, sessionId: string) {
    const [row] = await db
      .select({ session: sessions })
      .from(sessions)
      .leftJoin(
        sessionMembers,
        and(eq(sessionMembers.sessionId, sessions.id), eq(sessionMembers.userId, principal.userId)),
      )
      .where(
        and(
          eq(sessions.id, sessionId),
          or(eq(sessions.accountId, principal.accountId), sql`${sessionMembers.userId} is not null`),
        ),
      )
    return row?.session
  },

  async listSessions(db: Executor, accountId: string) {
    return db
      .select()
      .from(sessions)
      .where(eq(sessions.accountId, accountId))
      .orderBy(sql`${sessions.lastEventAt} desc nulls last`, desc(sessions.createdAt))
  },
}
