/** Which repository a session is bound to (the source of its AGENTS rules). Re-binding replaces the row. */
import { and, eq, sql } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type SessionRepoBinding, sessionRepoBindings } from '~/db/schema'
import { toStorableText } from '~/domain/storable-text'
import { type WithTxid, writeTransaction } from './write-transaction'

export const sessionRepoBindingsRepository = {
  async bindRepository(
    db: Executor,
    input: { accountId: string; sessionId: string; assetPath: string; rootDir: string },
  ): Promise<WithTxid<{ binding: SessionRepoBinding }>> {
    return writeTransaction(db, async (tx) => {
      const values = {
        accountId: input.accountId,
        sessionId: input.sessionId,
        assetPath: toStorableText(input.assetPath),
        rootDir: toStorableText(input.rootDir),
      }
      const [binding] = await tx
        .insert(sessionRepoBindings)
        .values(values)
        .onConflictDoUpdate({
          target: sessionRepoBindings.sessionId,
          set: { assetPath: values.assetPath, rootDir: values.rootDir, updatedAt: sql`now()` },
          setWhere: eq(sessionRepoBindings.accountId, input.accountId),
        })
        .returning()
      return { binding }
    })
  },

  async clearBinding(db: Executor, accountId: string, sessionId: string): Promise<WithTxid<{ cleared: boolean }>> {
    return writeTransaction(db, async (tx) => {
      const deleted = await tx
        .delete(sessionRepoBindings)
        .where(and(eq(sessionRepoBindings.sessionId, sessionId), eq(sessionRepoBindings.accountId, accountId)))
        .returning({ sessionId: sessionRepoBindings.sessionId })
      return { cleared: deleted.length > 0 }
    })
  },

  async findBinding(db: Executor, accountId: string, sessionId: string) {
    const [binding] = await db
      .select()
      .from(sessionRepoBindings)
      .where(and(eq(sessionRepoBindings.sessionId, sessionId), eq(sessionRepoBindings.accountId, accountId)))
    return binding
  },
}
