import { SEVERITIES } from '~/domain/misalignments/severity'

/** Where a gate request came from. */
export const HOOK_SOURCES = ['timeline', 'session', 'manual'] as const
export type HookSource = (typeof HOOK_SOURCES)[number]

/** A decision's severity: `none` when no rule matched. */
export const HOOK_SEVERITIES = ['none', ...SEVERITIES] as const
export type HookSeverity = (typeof HOOK_SEVERITIES)[number]

/** A decision names at most this many rules. */
export const MAX_DECISION_RULES = 5

/** Blocked iff the decision's severity is high or critical; never left to the caller. */
export function isBlocking(severity: HookSeverity) {
  return severity === 'high' || severity === 'critical'
}
