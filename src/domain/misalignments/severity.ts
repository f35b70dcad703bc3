/** Ordered from least to most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export function severityRank(severity: Severity) {
  return SEVERITIES.indexOf(severity)
}

export function highestSeverity(severities: Iterable<Severity>): Severity | undefined {
  let best: Severity | undefined
  for (const s of severities) if (best === undefined || severityRank(s) > severityRank(best)) best = s
  return best
}
