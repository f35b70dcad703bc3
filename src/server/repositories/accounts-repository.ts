import { asc, desc, eq, sql } from 'drizzle-orm'
import { ADVISORY_LOCK_KEYS } from '~/db/advisory-locks'
import type { Executor } from '~/db/client'
import { type Account, accounts, type User, users } from '~/db/schema'

export const LOCAL_OWNER_DISPLAY_NAME = 'Local owner'

export interface Principal {
  user: User
  account: Account
}

/**
 * AUTH_MODE=local: the single owner user and its account, created on first run. Returns the
 * oldest user when one exists, so restarts and every instance agree on the same owner.
 */
export async function ensureLocalOwner(db: Executor): Promise<Principal> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEYS.localOwner})`)
    const [existing] = await tx
      .select({ user: users, account: accounts })
      .from(users)
      .innerJoin(accounts, eq(users.accountId, accounts.id))
      .orderBy(asc(users.createdAt), asc(users.id))
      .limit(1)
    if (existing) return existing
    const [account] = await tx.insert(accounts).values({ name: 'Personal' }).returning()
    const [user] = await tx
      .insert(users)
      .values({ accountId: account.id, displayName: LOCAL_OWNER_DISPLAY_NAME })
      .returning()
    return { user, account }
  })
}

/**
 * The account of the first operator, else of the oldest user (the machine's owner in
 * AUTH_MODE=password); undefined before any sign-up.
 */
export async function findFirstUserAccount(db: Executor): Promise<Account | undefined> {
  const [row] = await db
    .select({ account: accounts })
    .from(users)
    .innerJoin(accounts, eq(users.accountId, accounts.id))
    .orderBy(desc(users.isOperator), asc(users.createdAt), asc(users.id))
    .limit(1)
  return row?.account
}

/** The account of the user with this e-mail (compared lowercased, as sign-up stores it). */
export async function findAccountOfUserEmail(db: Executor, email: string): Promise<Account | undefined> {
  const [row] = await db
    .select({ account: accounts })
    .from(users)
    .innerJoin(accounts, eq(users.accountId, accounts.id))
    .where(eq(users.email, email.toLowerCase()))
  return row?.account
}

export async function findAccount(db: Executor, accountId: string) {
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId))
  return account
}
