/**
 * Server-side app sessions (auth_sessions), password users and sign-in attempts. Every instance
 * reads the same rows, so a cookie issued by one instance is valid on all of them. Revocations
 * here also clear this process's short-lived session cache (`src/server/auth/session-cache.ts`).
 */
import { and, asc, count, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm'
import { LOGIN_ATTEMPT_LOCK_NAMESPACE } from '~/db/advisory-locks'
import type { Executor } from '~/db/client'
import { accounts, authSessions, loginAttempts, users } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'
import { sessionCache } from '~/server/auth/session-cache'
import type { Principal } from './accounts-repository'
import { ConflictError, isUniqueViolation } from './errors'

export const EMAIL_TAKEN_MESSAGE = 'An account with this email already exists. Sign in instead.'

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000
/** Renew at most this often, so active users keep their session without a write per request. */
export const SESSION_RENEW_AFTER_MS = 60 * 60 * 1000

export interface AttemptLimit {
  /** `email:<lowercased>` or `ip:<address>`. */
  key: string
  maxFailures: number
}

export type AttemptReservation = { allowed: true; attemptIds: string[] } | { allowed: false }

export interface ResolvedSession {
  principal: Principal
  sessionId: string
  expiresAt: Date
  renewed: boolean
}

export const authRepository = {
  async createSession(
    db: Executor,
    input: { tokenHash: string; userId: string; userAgent?: string | null; now?: Date },
  ) {
    const now = input.now ?? new Date()
    const [row] = await db
      .insert(authSessions)
      .values({
        id: input.tokenHash,
        userId: input.userId,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      })
      .returning()
    return row
  },

  /** The session's principal when the session exists, is not revoked and has not expired; renews it when due. */
  async resolveSession(db: Executor, tokenHash: string, now = new Date()): Promise<ResolvedSession | undefined> {
    const [row] = await db
      .select({ session: authSessions, user: users, account: accounts })
      .from(authSessions)
      .innerJoin(users, eq(users.id, authSessions.userId))
      .innerJoin(accounts, eq(accounts.id, users.accountId))
      .where(and(eq(authSessions.id, tokenHash), isNull(authSessions.revokedAt), gt(authSessions.expiresAt, now)))
    if (!row) return undefined
    let expiresAt = row.session.expiresAt
    let renewed = false
    if (now.getTime() - row.session.lastSeenAt.getTime() > SESSION_RENEW_AFTER_MS) {
      expiresAt = new Date(now.getTime() + SESSION_TTL_MS)
      renewed = true
      await db.update(authSessions).set({ lastSeenAt: now, expiresAt }).where(eq(authSessions.id, tokenHash))
    }
    return { principal: { user: row.user, account: row.account }, sessionId: tokenHash, expiresAt, renewed }
  },

  async revokeSession(db: Executor, tokenHash: string) {
    await db
      .update(authSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(authSessions.id, tokenHash), isNull(authSessions.revokedAt)))
    sessionCache.forgetSession(tokenHash)
  },

  async revokeAllForUser(db: Executor, userId: string) {
    await db
      .update(authSessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
    sessionCache.forgetUser(userId)
  },

  /** Deletes the user's sessions beyond the `keep` most recently used live ones (and every dead one). */
  async keepNewestSessions(db: Executor, userId: string, keep: number) {
    await db.execute(sql`
      delete from ${authSessions}
      where ${authSessions.userId} = ${userId}
        and ${authSessions.id} not in (
          select ${authSessions.id} from ${authSessions}
          where ${authSessions.userId} = ${userId} and ${authSessions.revokedAt} is null and ${authSessions.expiresAt} > now()
          order by ${authSessions.lastSeenAt} desc, ${authSessions.createdAt} desc
          limit ${keep})`)
    sessionCache.forgetUser(userId)
  },

  /**
   * Housekeeping (the maintenance plugin runs it periodically): deletes sign-in sessions that
   * expired or were revoked before `sessionsBefore`, and sign-in attempts made before
   * `attemptsBefore` (far older than any rate-limit window). Both tables would grow forever otherwise.
   */
  async pruneAuthRecords(
    db: Executor,
    { sessionsBefore, attemptsBefore }: { sessionsBefore: Date; attemptsBefore: Date },
  ) {
    const sessionsDeleted = await db
      .delete(authSessions)
      .where(or(lt(authSessions.expiresAt, sessionsBefore), lt(authSessions.revokedAt, sessionsBefore)))
      .returning({ id: authSessions.id })
    const attemptsDeleted = await db
      .delete(loginAttempts)
      .where(lt(loginAttempts.attemptedAt, attemptsBefore))
      .returning({ id: loginAttempts.id })
    return { sessions: sessionsDeleted.length, attempts: attemptsDeleted.length }
  },

  async findUserByEmail(db: Executor, email: string) {
    const [row] = await db
      .select({ user: users, account: accounts })
      .from(users)
      .innerJoin(accounts, eq(accounts.id, users.accountId))
      .where(eq(users.email, email.toLowerCase()))
    return row
  },

  /**
   * A password user. Open sign-up always gets an account of its own. Only the operator's
   * `pnpm user:create` passes `claimLocalOwner`: while local mode's owner has no password yet, the
   * new user takes over that account (so switching AUTH_MODE keeps the data, imports included)
   * and becomes an operator; so does the first user it creates when no operator exists.
   */
  async createPasswordUser(
    db: Executor,
    input: { email: string; displayName: string; passwordHash: string; claimLocalOwner?: boolean; operator?: boolean },
  ): Promise<Principal> {
    const displayName = toStorableText(input.displayName)
    const created = db.transaction(async (tx) => {
      await tx.execute(sql`lock table ${users} in share row exclusive mode`)
      const [passwordless] = await tx
        .select({ user: users })
        .from(users)
        .where(isNull(users.passwordHash))
        .orderBy(asc(users.createdAt))
        .limit(1)
      const [{ n: operators }] = await tx.select({ n: count() }).from(users).where(eq(users.isOperator, true))
      const byOperator = input.claimLocalOwner === true
      // The operator's first account is an operator too, so someone can always see the server.
      const first = byOperator && operators === 0
      if (byOperator && passwordless) {
        const [user] = await tx
          .update(users)
          .set({ email: input.email.toLowerCase(), displayName, passwordHash: input.passwordHash, isOperator: true })
          .where(eq(users.id, passwordless.user.id))
          .returning()
        const [account] = await tx.select().from(accounts).where(eq(accounts.id, user.accountId))
        return { user, account }
      }
      const [account] = await tx
        .insert(accounts)
        .values({ name: `${displayName}'s account` })
        .returning()
      const [user] = await tx
        .insert(users)
        .values({
          accountId: account.id,
          email: input.email.toLowerCase(),
          displayName,
          passwordHash: input.passwordHash,
          isOperator: first || input.operator === true,
        })
        .returning()
      return { user, account }
    })
    // Two sign-ups with one e-mail at once: the later one finds the address taken.
    return created.catch((error: unknown) => {
      throw isUniqueViolation(error, 'users_email_unique') ? new ConflictError(EMAIL_TAKEN_MESSAGE) : error
    })
  },

  /**
   * Counts and records in one step, under a lock per key: the attempt is stored as a failure before
   * the password is checked (and marked succeeded afterwards), so N parallel attempts see each
   * other and never more than the limit get to a password check.
   */
  async reserveLoginAttempt(db: Executor, limits: AttemptLimit[], since: Date): Promise<AttemptReservation> {
    return db.transaction(async (tx) => {
      // Always in the same order, so two attempts sharing keys cannot deadlock.
      const ordered = [...limits].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      for (const { key } of ordered) {
        await tx.execute(sql`select pg_advisory_xact_lock(${LOGIN_ATTEMPT_LOCK_NAMESPACE}::int, hashtext(${key}))`)
      }
      for (const { key, maxFailures } of ordered) {
        const [{ n }] = await tx
          .select({ n: count() })
          .from(loginAttempts)
          .where(
            and(eq(loginAttempts.key, key), eq(loginAttempts.succeeded, false), gt(loginAttempts.attemptedAt, since)),
          )
        if (n >= maxFailures) return { allowed: false as const }
      }
      const rows = await tx
        .insert(loginAttempts)
        .values(ordered.map(({ key }) => ({ key, succeeded: false })))
        .returning({ id: loginAttempts.id })
      return { allowed: true as const, attemptIds: rows.map((row) => row.id) }
    })
  },

  async markLoginAttemptsSucceeded(db: Executor, attemptIds: string[]) {
    if (attemptIds.length === 0) return
    await db.update(loginAttempts).set({ succeeded: true }).where(inArray(loginAttempts.id, attemptIds))
  },
}
