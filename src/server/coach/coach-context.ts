/**
 * Gathers what a reply knows about its session — metadata, the events the user attached, open
 * misalignments with their evidence, the latest events — and fits it into the token budget.
 */
import type { Executor } from '~/db/client'
import type { Misalignment, Session } from '~/db/schema'
import { buildCoachContext, type CoachContextInput, type MisalignmentFacts } from '~/domain/coach/context-builder'
import type { EventDigest } from '~/domain/coach/event-digest'
import type { EventRange, MisalignmentEvidence } from '~/domain/misalignments/evidence'
import { coachContextRepository } from '~/server/repositories/coach-context-repository'
import { misalignmentsRepository } from '~/server/repositories/misalignments-repository'

const RECENT_EVENTS = 25
const OPENING_REQUESTS = 3

function misalignmentFacts(row: Misalignment): MisalignmentFacts {
  const evidence = Array.isArray(row.evidence) ? (row.evidence as MisalignmentEvidence[]) : []
  const range = row.eventRange as EventRange | null
  return {
    id: row.id,
    ruleId: row.ruleId,
    title: row.title,
    summary: row.summary,
    severity: row.severity,
    status: row.status,
    evidence: evidence.filter((item) => typeof item?.message === 'string'),
    eventRange:
      range && typeof range.startIndex === 'number' ? { startIndex: range.startIndex, endIndex: range.endIndex } : null,
  }
}

export interface GatheredContext {
  input: CoachContextInput
  openingRequests: EventDigest[]
}

export async function gatherContext(
  db: Executor,
  session: Session,
  attachedNumbers: number[],
): Promise<GatheredContext> {
  const [misalignments, attachedEvents, recentEvents, openingRequests] = await Promise.all([
    misalignmentsRepository.listForSession(db, session.accountId, session.id),
    coachContextRepository.eventsByNumber(db, session.id, attachedNumbers),
    coachContextRepository.latestEvents(db, session.id, RECENT_EVENTS),
    coachContextRepository.openingRequests(db, session.id, OPENING_REQUESTS),
  ])
  return {
    input: {
      session: {
        id: session.id,
        title: session.title,
        origin: session.origin,
        repoName: session.repoName,
        branch: session.branch,
        commitSha: session.commitSha,
        cwd: session.cwd,
        model: session.model,
        startedAt: session.startedAt,
        lastEventAt: session.lastEventAt,
        eventCount: session.eventCount,
      },
      misalignments: misalignments.map(misalignmentFacts),
      attachedEvents,
      recentEvents,
    },
    openingRequests,
  }
}

export function fitContext(gathered: GatheredContext, budgetTokens: number) {
  return buildCoachContext(gathered.input, budgetTokens)
}
