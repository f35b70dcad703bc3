/** How many repositories the account stats rank; the rest are left out of the chart and its table. */
export const STATS_BREAKDOWN_LIMIT = 12

/** The repository chart's caption: it names the cut only when the account has more repositories than it shows. */
export function describeRepositoryBreakdown(shown: number) {
  return shown < STATS_BREAKDOWN_LIMIT
    ? 'Every repository, all time.'
    : `The ${STATS_BREAKDOWN_LIMIT} repositories with the most events, all time.`
}
