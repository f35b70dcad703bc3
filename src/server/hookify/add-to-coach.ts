/**
 * "Add to coach": runs the hookify gate over the content being added against the session's rules,
 * records the decision (every evaluation is a hookify_decisions row) and answers with what the
 * coach composer gets when the content is not blocked.
 */
import { createHash } from 'node:crypto'
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import type { CoachPrefill } from '~/domain/hookify/coach-prefill'
import { evaluateContent } from '~/domain/hookify/evaluate-content'
import type { HookSeverity, HookSource } from '~/domain/hookify/gate'
import type { Severity } from '~/domain/misalignments/severity'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { NotFoundError } from '~/server/repositories/errors'
import { hookifyDecisionsRepository } from '~/server/repositories/hookify-decisions-repository'
import { misalignmentsRepository } from '~/server/repositories/misalignments-repository'

export interface AddToCoachRequest {
  source: HookSource
  content: string
  eventRange?: { start: number; end: number }
  misalignmentId?: string
}

export interface AddToCoachResult {
  txid: number
  decisionId: string
  blocked: boolean
  severity: HookSeverity
  message: string | null
  rules: { id: string; title: string; summary: string; severity: Severity; matched: string; excerpt: string }[]
  /** Null when blocked: nothing goes to the coach. */
  prefill: CoachPrefill | null
}

export async function addToCoach(
  db: Executor,
  session: Session,
  request: AddToCoachRequest,
): Promise<AddToCoachResult> {
  const rules = await agentRulesRepository.listForSession(db, session.accountId, session.id)
  const remediated = request.misalignmentId
    ? await misalignmentsRepository.findInSession(db, {
        accountId: session.accountId,
        sessionId: session.id,
        id: request.misalignmentId,
      })
    : undefined
  if (request.misalignmentId && !remediated) throw new NotFoundError('Misalignment', request.misalignmentId)
  const remediating = new Set(remediated ? [remediated.ruleId] : [])
  const evaluation = evaluateContent(rules, request.content, request.source, remediating)
  const { decision, txid } = await hookifyDecisionsRepository.recordDecision(db, {
    accountId: session.accountId,
    sessionId: session.id,
    source: request.source,
    contentHash: createHash('sha256').update(request.content).digest('hex'),
    severity: evaluation.severity,
    rules: evaluation.rules.map((hit) => ({ id: hit.id, severity: hit.severity })),
    message: evaluation.message,
    annotations: evaluation.annotations,
  })
  const prefill: CoachPrefill | null = evaluation.blocked
    ? null
    : {
        prompt: evaluation.annotations ? `${evaluation.annotations}\n\n${request.content}` : request.content,
        metadata: {
          sessionId: session.id,
          source: request.source,
          decisionId: decision.id,
          severity: evaluation.severity,
          ruleIds: evaluation.rules.map((hit) => hit.id),
          ...(request.eventRange ? { eventRange: request.eventRange } : {}),
          ...(request.misalignmentId ? { misalignmentId: request.misalignmentId } : {}),
        },
      }
  return {
    txid,
    decisionId: decision.id,
    blocked: evaluation.blocked,
    severity: evaluation.severity,
    message: evaluation.message,
    rules: evaluation.rules.map((hit) => ({
      id: hit.id,
      title: hit.title,
      summary: hit.summary,
      severity: hit.severity,
      matched: hit.violation.pattern,
      excerpt: hit.violation.excerpt,
    })),
    prefill,
  }
}
