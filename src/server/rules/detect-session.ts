/**
 * Runs misalignment detection over one session's stored timeline against its stored rules and
 * upserts one misalignment per fired rule. Re-running refreshes evidence and range but never the
 * status a person chose (see misalignmentsRepository.upsertDetected).
 */
import type { Executor } from '~/db/client'
import { createDetector } from '~/domain/misalignments/detect'
import { isCheckable } from '~/domain/rules/instruction-rule'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { detectionEventsRepository } from '~/server/repositories/detection-events-repository'
import { misalignmentsRepository } from '~/server/repositories/misalignments-repository'

const PAGE_SIZE = 2_000

export interface DetectionOutcome {
  /** The txid of the last write, or null when nothing was written. */
  txid: number | null
  /** Rules that fired. */
  fired: number
  checkableRules: number
}

export async function detectSessionMisalignments(
  db: Executor,
  session: { id: string; accountId: string },
): Promise<DetectionOutcome> {
  const rules = await agentRulesRepository.listForSession(db, session.accountId, session.id)
  const checkableRules = rules.filter(isCheckable).length
  if (checkableRules === 0) return { txid: null, fired: 0, checkableRules }
  const detector = createDetector(rules)
  for (let afterOrdinal = -1; ; ) {
    const page = await detectionEventsRepository.sessionPage(db, {
      accountId: session.accountId,
      sessionId: session.id,
      afterOrdinal,
      limit: PAGE_SIZE,
    })
    detector.scan(page)
    if (page.length < PAGE_SIZE) break
    afterOrdinal = page[page.length - 1].ordinal
  }
  let txid: number | null = null
  const results = detector.results()
  for (const found of results) {
    const written = await misalignmentsRepository.upsertDetected(db, {
      accountId: session.accountId,
      sessionId: session.id,
      ruleId: found.ruleId,
      title: found.title,
      summary: found.summary,
      severity: found.severity,
      eventRange: found.eventRange,
      evidence: found.evidence,
    })
    txid = written.txid
  }
  return { txid, fired: results.length, checkableRules }
}
