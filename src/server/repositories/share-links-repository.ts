/**
 * Share links: read-only links to one session for visitors without an account. The token is shown
 * once; only its SHA-256 is stored. Validity (revoked, expired) is always decided by Postgres'
 * clock and rows, never by an instance's memory, so every app instance on the database agrees.
 */
import { createHash, randomBytes } from 'node:crypto'
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type Session, type ShareLink, sessions, shareLinks } from '~/db/schema'
import { SHARE_TOKEN_PATTERN } from '~/sync/share-catalog'
import { NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

export function generateShareToken() {
  return `scs_${randomBytes(32).toString('base64url')}`
}

export function hashShareToken(token: string) {
  return createHash('sha256').update(token).digest('hex')
}

export interface ShareLinkOptions {
  includeUploads: boolean
  includeRules: boolean
  includeCoach: boolean
  expiresAt: Date | null
}

/** Why a token opens nothing; the visitor is told which (revoked and expired links are known). */
export type ShareLinkEnded = 'unknown' | 'revoked' | 'expired'

export type ResolvedShareLink =
  | { state: 'valid'; link: ShareLink; session: Session }
  | { state: ShareLinkEnded; link?: undefined; session?: undefined }

export const shareLinksRepository = {
  /** A new link to a session the account owns (not one merely shared with it). */
  async createLink(
    db: Executor,
    owner: { accountId: string; userId: string },
    sessionId: string,
    options: ShareLinkOptions,
  ): Promise<WithTxid<{ link: ShareLink; token: string }>> {
    return writeTransaction(db, async (tx) => {
      const [session] = await tx
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.id, sessionId), eq(sessions.accountId, owner.accountId)))
      if (!session) throw new NotFoundError('Session', sessionId)
      const token = generateShareToken()
      const [link] = await tx
        .insert(shareLinks)
        .values({
          accountId: owner.accountId,
          sessionId,
          createdBy: owner.userId,
          tokenHash: hashShareToken(token),
          ...options,
        })
        .returning()
      return { link, token }
    })
  },

  /** Ends a link now; revoking a revoked link changes nothing. Ownership is in the WHERE clause. */
  async revokeLink(db: Executor, accountId: string, linkId: string): Promise<WithTxid<object>> {
    return writeTransaction(db, async (tx) => {
      const [link] = await tx
        .update(shareLinks)
        .set({ revokedAt: sql`coalesce(${shareLinks.revokedAt}, now())` })
        .where(and(eq(shareLinks.id, linkId), eq(shareLinks.accountId, accountId)))
        .returning({ id: shareLinks.id })
      if (!link) throw new NotFoundError('Share link', linkId)
      return {}
    })
  },

  async listLinks(db: Executor, accountId: string) {
    return db.select().from(shareLinks).where(eq(shareLinks.accountId, accountId)).orderBy(desc(shareLinks.createdAt))
  },

  /** What a token opens right now, by the database's clock. Malformed tokens never reach a query. */
  async resolveToken(db: Executor, token: string): Promise<ResolvedShareLink> {
    if (!SHARE_TOKEN_PATTERN.test(token)) return { state: 'unknown' }
    const [row] = await db
      .select({
        link: shareLinks,
        session: sessions,
        expired: sql<boolean>`${shareLinks.expiresAt} is not null and ${shareLinks.expiresAt} <= now()`,
      })
      .from(shareLinks)
      .innerJoin(sessions, eq(sessions.id, shareLinks.sessionId))
      .where(eq(shareLinks.tokenHash, hashShareToken(token)))
    if (!row) return { state: 'unknown' }
    if (row.link.revokedAt) return { state: 'revoked' }
    if (row.expired) return { state: 'expired' }
    return { state: 'valid', link: row.link, session: row.session }
  },

  /** A visitor opened the link: counted for the owner's list (cheap: one row update). */
  async recordView(db: Executor, linkId: string): Promise<WithTxid<object>> {
    return writeTransaction(db, async (tx) => {
      await tx
        .update(shareLinks)
        .set({ viewCount: sql`${shareLinks.viewCount} + 1`, lastViewedAt: sql`now()` })
        .where(and(eq(shareLinks.id, linkId), isNull(shareLinks.revokedAt)))
      return {}
    })
  },

  /**
   * Of the given links, those that no longer open anything (revoked, expired or deleted with their
   * session), with the reason: the held live requests of those links are ended.
   */
  async endedLinks(db: Executor, linkIds: readonly string[]): Promise<Map<string, ShareLinkEnded>> {
    const ended = new Map<string, ShareLinkEnded>(linkIds.map((id) => [id, 'unknown']))
    if (linkIds.length === 0) return ended
    const rows = await db
      .select({
        id: shareLinks.id,
        revoked: sql<boolean>`${shareLinks.revokedAt} is not null`,
        expired: sql<boolean>`${shareLinks.expiresAt} is not null and ${shareLinks.expiresAt} <= now()`,
      })
      .from(shareLinks)
      .where(inArray(shareLinks.id, [...linkIds]))
    for (const row of rows) {
      if (row.revoked) ended.set(row.id, 'revoked')
      else if (row.expired) ended.set(row.id, 'expired')
      else ended.delete(row.id)
    }
    return ended
  },
}
