/**
 * A generated hook with its backtest: how often the rule's commands would have fired over every
 * stored event of the account ("would have fired N times in M sessions"), with samples to review
 * for false positives. The backtest runs the same matcher as misalignment detection.
 */
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import { type GeneratedHooks, generateHooks } from '~/domain/hookify/hook-files'
import { createDetector } from '~/domain/misalignments/detect'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { detectionEventsRepository } from '~/server/repositories/detection-events-repository'
import { NotFoundError } from '~/server/repositories/errors'

const PAGE_SIZE = 2_000
const MAX_SAMPLES = 8

export interface BacktestSample {
  sessionId: string
  sessionTitle: string
  ordinal: number
  excerpt: string
}

export interface HookWithBacktest {
  ruleId: string
  heading: string
  hooks: GeneratedHooks | null
  backtest: { firedEvents: number; firedSessions: number; scannedSessions: number; samples: BacktestSample[] }
}

export async function generateHookWithBacktest(
  db: Executor,
  session: Pick<Session, 'id' | 'accountId'>,
  ruleId: string,
): Promise<HookWithBacktest> {
  const rules = await agentRulesRepository.listForSession(db, session.accountId, session.id)
  const rule = rules.find((candidate) => candidate.ruleId === ruleId)
  if (!rule) throw new NotFoundError('Rule', ruleId)
  const hooks = generateHooks(rule)
  // The hook only sees commands, so the backtest does too (the rule's phrases are left out).
  const commandRule = {
    ...rule,
    severity: rule.severity === 'info' ? ('low' as const) : rule.severity,
    forbiddenPhrases: [],
  }
  const backtest = { firedEvents: 0, firedSessions: 0, scannedSessions: 0, samples: [] as BacktestSample[] }
  if (!hooks) return { ruleId, heading: rule.heading, hooks, backtest }
  for (const target of await detectionEventsRepository.accountSessions(db, session.accountId)) {
    backtest.scannedSessions++
    const detector = createDetector([commandRule])
    for (let afterOrdinal = -1; ; ) {
      const page = await detectionEventsRepository.sessionPage(db, {
        accountId: session.accountId,
        sessionId: target.id,
        afterOrdinal,
        limit: PAGE_SIZE,
      })
      detector.scan(page)
      if (page.length < PAGE_SIZE) break
      afterOrdinal = page[page.length - 1].ordinal
    }
    const [found] = detector.results()
    if (!found) continue
    backtest.firedSessions++
    backtest.firedEvents += found.eventCount
    for (const item of found.evidence) {
      if (backtest.samples.length >= MAX_SAMPLES) break
      backtest.samples.push({
        sessionId: target.id,
        sessionTitle: target.title,
        ordinal: item.eventIndex ?? 0,
        excerpt: item.message,
      })
    }
  }
  return { ruleId, heading: rule.heading, hooks, backtest }
}
