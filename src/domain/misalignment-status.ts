import type { MisalignmentStatus, Severity } from '../db/schema'
import { SEVERITIES } from '../db/schema'

/** The original product's transition table (original-product.md §2.8); anything else is rejected. */
export const MISALIGNMENT_TRANSITIONS: Record<MisalignmentStatus, readonly MisalignmentStatus[]> = {
  open: ['acknowledged', 'dismissed'],
  acknowledged: ['dismissed', 'open'],
  dismissed: ['acknowledged', 'open'],
}

export function canTransition(from: MisalignmentStatus, to: MisalignmentStatus) {
  return MISALIGNMENT_TRANSITIONS[from].includes(to)
}

export function severityRank(severity: Severity) {
  return SEVERITIES.indexOf(severity)
}

export function highestSeverity(severities: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined
  for (const s of severities) if (best === undefined || severityRank(s) > severityRank(best)) best = s
  return best
}
