/** Hookify gate decisions: write-once records of what the gate decided and why. */
import { and, asc, eq } from 'drizzle-orm'
import type { Executor } from '~/db/client'
import { type HookifyDecision, hookifyDecisions } from '~/db/schema'
import { type HookSeverity, type HookSource, isBlocking, MAX_DECISION_RULES } from '~/domain/hookify/gate'
import type { Severity } from '~/domain/misalignments/severity'
import { toStorableText } from '~/domain/storable-text'
import { type WithTxid, writeTransaction } from './write-transaction'

export interface RecordDecisionInput {
  accountId: string
  sessionId: string
  source: HookSource
  contentHash: string
  severity: HookSeverity
  rules: { id: string; severity: Severity }[]
  message?: string | null
  annotations?: string | null
}

export const hookifyDecisionsRepository = {
  async recordDecision(db: Executor, input: RecordDecisionInput): Promise<WithTxid<{ decision: HookifyDecision }>> {
    return writeTransaction(db, async (tx) => {
      const [decision] = await tx
        .insert(hookifyDecisions)
        .values({
          accountId: input.accountId,
          sessionId: input.sessionId,
          source: input.source,
          contentHash: input.contentHash,
          severity: input.severity,
          blocked: isBlocking(input.severity),
          rules: input.rules.slice(0, MAX_DECISION_RULES),
          message: toStorableText(input.message ?? null),
          annotations: toStorableText(input.annotations ?? null),
        })
        .returning()
      return { decision }
    })
  },

  async listForSession(db: Executor, accountId: string, sessionId: string) {
    return db
      .select()
      .from(hookifyDecisions)
      .where(and(eq(hookifyDecisions.sessionId, sessionId), eq(hookifyDecisions.accountId, accountId)))
      .orderBy(asc(hookifyDecisions.createdAt), asc(hookifyDecisions.id))
  },
}
