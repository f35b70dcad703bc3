/**
 * Runs misalignment detection over one session's stored timeline against its stored rules and
 * upserts one misalignment per fired rule. Re-running refreshes evidence and range but never the
 * status a person chose (see misalignmentsRepository.upsertDetected).
 *
 * Ingest runs it after every batch, so it is incremental (docs/rules.md, "Detection while a session
 * grows"): the detector of the last run is kept per session, and a batch that only added events
 * past what it scanned is judged by reading just those. Each event is judged on its own; the only
 * state across events is what the detector accumulates per rule (range, count, first evidence), so
 * feeding the new events to the kept detector gives what a full scan would.
 */
import type { Executor } from '~/db/client'
import { createDetector, type DetectionRule, type Detector } from '~/domain/misalignments/detect'
import { isCheckable } from '~/domain/rules/instruction-rule'
import { agentRulesRepository } from '~/server/repositories/agent-rules-repository'
import { detectionEventsRepository } from '~/server/repositories/detection-events-repository'
import { misalignmentsRepository } from '~/server/repositories/misalignments-repository'

const PAGE_SIZE = 2_000
/** Sessions whose detector is kept (each holds at most 20 evidence entries per fired rule). */
const MAX_KEPT_SESSIONS = 500

export interface DetectionOutcome {
  /** The txid of the last write, or null when nothing was written. */
  txid: number | null
  /** Rules that fired. */
  fired: number
  checkableRules: number
}

/** What a batch of ingest wrote: the lowest and highest ordinal among the rows it inserted or changed. */
export interface EventsChange {
  firstOrdinal: number
  lastOrdinal: number
}

interface DetectionState {
  /** The checkable rules the detector was built from; any change means a full scan. */
  rulesKey: string
  detector: Detector
  /** Every event up to this ordinal has been fed to the detector. */
  scannedThrough: number
}

/** Per process, least recently used first. */
const states = new Map<string, DetectionState>()
/** The incremental run feeding a session's detector; forgetting the session disowns it. */
const feeding = new Map<string, object>()

function keep(sessionId: string, state: DetectionState) {
  states.delete(sessionId)
  states.set(sessionId, state)
  while (states.size > MAX_KEPT_SESSIONS) states.delete(states.keys().next().value as string)
}

/**
 * Drops what detection kept of a session: the next run scans it whole. Called when events at or
 * before what was scanned went away (a truncated log read again, an ingest undone).
 */
export function forgetDetectionState(sessionId: string) {
  states.delete(sessionId)
  feeding.delete(sessionId)
}

function rulesKeyOf(rules: readonly DetectionRule[]) {
  return JSON.stringify(
    rules
      .filter(isCheckable)
      .map((rule) => [
        rule.ruleId,
        rule.heading,
        rule.summary,
        rule.severity,
        rule.forbiddenCommands,
        rule.forbiddenPhrases,
      ])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  )
}

/** Feeds the detector the session's matchable events after `afterOrdinal`; returns the last ordinal read. */
async function feed(
  db: Executor,
  session: { id: string; accountId: string },
  detector: Detector,
  afterOrdinal: number,
  fired: Set<string>,
) {
  let last = afterOrdinal
  for (;;) {
    const page = await detectionEventsRepository.sessionPage(db, {
      accountId: session.accountId,
      sessionId: session.id,
      afterOrdinal: last,
      limit: PAGE_SIZE,
    })
    for (const ruleId of detector.scan(page)) fired.add(ruleId)
    if (page.length > 0) last = page[page.length - 1].ordinal
    if (page.length < PAGE_SIZE) return last
  }
}

async function store(
  db: Executor,
  session: { id: string; accountId: string },
  detector: Detector,
  only?: ReadonlySet<string>,
) {
  let txid: number | null = null
  for (const found of detector.results(only)) {
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
  return txid
}

/** The whole session, from its first event (rules changed, or nothing kept of an earlier run). */
export async function detectSessionMisalignments(
  db: Executor,
  session: { id: string; accountId: string },
): Promise<DetectionOutcome> {
  const rules = await agentRulesRepository.listForSession(db, session.accountId, session.id)
  return fullScan(db, session, rules)
}

async function fullScan(
  db: Executor,
  session: { id: string; accountId: string },
  rules: readonly DetectionRule[],
): Promise<DetectionOutcome> {
  forgetDetectionState(session.id)
  const checkableRules = rules.filter(isCheckable).length
  if (checkableRules === 0) return { txid: null, fired: 0, checkableRules }
  const detector = createDetector(rules)
  const scannedThrough = await feed(db, session, detector, -1, new Set())
  const txid = await store(db, session, detector)
  keep(session.id, { rulesKey: rulesKeyOf(rules), detector, scannedThrough })
  return { txid, fired: detector.results().length, checkableRules }
}

/**
 * After an ingest batch: only the events past what the kept detector has seen, when the batch
 * wrote nothing at or before that point and the rules are the ones it was built from; otherwise a
 * full scan. Only the rules that fired on the new events are written.
 *
 * Events are numbered in file order and each writer of a session writes them in that order, so
 * once a batch up to `change.lastOrdinal` is committed, every event before it is too. (Another app
 * instance rewriting earlier events of the same session is not seen here; its own detection run
 * covers it, and this instance's next full scan — after a restart or a rules change — agrees.)
 */
export async function detectChangedEvents(
  db: Executor,
  session: { id: string; accountId: string },
  change: EventsChange,
): Promise<DetectionOutcome & { incremental: boolean }> {
  const rules = await agentRulesRepository.listForSession(db, session.accountId, session.id)
  const state = states.get(session.id)
  if (!state || state.rulesKey !== rulesKeyOf(rules) || change.firstOrdinal <= state.scannedThrough) {
    return { ...(await fullScan(db, session, rules)), incremental: false }
  }
  // Taken out while it is fed and stored: a failure part-way must not leave a detector that saw
  // some events without knowing which (the next run would count them twice), and a forget or a
  // full scan meanwhile disowns this run (its detector is then not kept).
  states.delete(session.id)
  const run = {}
  feeding.set(session.id, run)
  const fired = new Set<string>()
  let txid: number | null
  try {
    const lastRead = await feed(db, session, state.detector, state.scannedThrough, fired)
    txid = await store(db, session, state.detector, fired)
    if (feeding.get(session.id) === run) {
      keep(session.id, { ...state, scannedThrough: Math.max(lastRead, change.lastOrdinal) })
    }
  } finally {
    if (feeding.get(session.id) === run) feeding.delete(session.id)
  }
  return {
    txid,
    fired: state.detector.results().length,
    checkableRules: rules.filter(isCheckable).length,
    incremental: true,
  }
}
