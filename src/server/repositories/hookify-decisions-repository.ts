/** Hookify gate decisions: write-once records of what the gate decided and why. */
import { and, asc, eq } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import {
  type HOOK_SEVERITIES,
  type HOOK_SOURCES,
  type HookifyDecision,
  hookifyDecisions,
  type Severity,
} from '../../db/schema'
import { currentTxid } from '../../db/txid'
import { toStorableText } from '../../domain/storable-text'
import type { WithTxid } from './errors'

export const MAX_DECISION_RULES = 5

export interface RecordDecisionInput {
  accountId: string
  sessionId: string
  source: (typeof HOOK_SOURCES)[number]
  contentHash: string
  severity: (typeof HOOK_SEVERITIES)[number]
  rules: { id: string; severity: Severity }[]
  message?: string | null
  annotations?: string | null
}

/** Blocked iff the decision's severity is high or critical; never left to the caller. */
export function isBlocking(severity: RecordDecisionInput['severity']) {
  return severity === 'high' || severity === 'critical'
}

export const hookifyDecisionsRepository = {
  async recordDecision(db: Executor, input: RecordDecisionInput): Promise<WithTxid<{ decision: HookifyDecision }>> {
    return db.transaction(async (tx) => {
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
      return { decision, txid: await currentTxid(tx) }
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
