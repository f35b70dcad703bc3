/** API tokens of a user. Ownership is part of every WHERE clause; the hash is the only lookup key. */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type Account, type ApiToken, accounts, apiTokens, type User, users } from '~/db/schema'
import type { ApiTokenScope } from '~/domain/api-tokens/api-token-scopes'
import { toStorableText } from '~/domain/storable-text'
import { InvalidInputError, NotFoundError } from './errors'
import { type WithTxid, writeTransaction } from './write-transaction'

/** Last use is recorded at most this often per token, so a busy pusher does not write a row per request. */
export const LAST_USED_RESOLUTION_MS = 60_000

export interface NewApiToken {
  accountId: string
  userId: string
  name: string
  scopes: readonly ApiTokenScope[]
  expiresAt: Date | null
  prefix: string
  tokenHash: string
}

export interface ResolvedApiToken {
  token: ApiToken
  user: User
  account: Account
}

export const apiTokensRepository = {
  async createToken(db: Executor, input: NewApiToken): Promise<WithTxid<{ token: ApiToken }>> {
    const name = toStorableText(input.name).trim()
    if (!name) throw new InvalidInputError('Give the token a name (what or where it is used).')
    return writeTransaction(db, async (tx) => {
      const [token] = await tx
        .insert(apiTokens)
        .values({ ...input, name, scopes: [...new Set(input.scopes)] })
        .returning()
      return { token }
    })
  },

  /** Revoking is idempotent; a token of another user is "not found". */
  async revokeToken(db: Executor, owner: { accountId: string; userId: string }, tokenId: string) {
    return writeTransaction(db, async (tx) => {
      const [row] = await tx
        .update(apiTokens)
        .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
        .where(
          and(eq(apiTokens.id, tokenId), eq(apiTokens.accountId, owner.accountId), eq(apiTokens.userId, owner.userId)),
        )
        .returning({ id: apiTokens.id })
      if (!row) throw new NotFoundError('API token', tokenId)
      return { id: row.id }
    })
  },

  /** The token with this hash and its user, whatever its state (the caller judges expiry and revocation). */
  async findByHash(db: Executor, tokenHash: string): Promise<ResolvedApiToken | undefined> {
    const [row] = await db
      .select({ token: apiTokens, user: users, account: accounts })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .innerJoin(accounts, eq(accounts.id, apiTokens.accountId))
      .where(eq(apiTokens.tokenHash, tokenHash))
    return row
  },

  /** Records a use unless one was recorded within LAST_USED_RESOLUTION_MS (one row write a minute at most). */
  async noteUse(db: Executor, tokenId: string, now = new Date()) {
    const threshold = new Date(now.getTime() - LAST_USED_RESOLUTION_MS)
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, threshold))))
  },
}
