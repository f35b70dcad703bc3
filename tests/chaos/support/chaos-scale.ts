/**
 * How hard the fault tests push. `npm test` runs the short version (the same assertions on
 * smaller counts); `pnpm test:chaos` sets CHAOS_SCALE=full for the counts issue 15 names.
 */
const full = process.env.CHAOS_SCALE === 'full'

export const CHAOS_SCALE = {
  name: full ? 'full' : 'short',
  concurrentWrites: full ? 1_000 : 200,
  tamperedShapeRequests: full ? 5_000 : 600,
  hostileUploadsPerKind: full ? 10 : 2,
  orderedWritesPerApp: full ? 50 : 10,
  restartRounds: full ? 3 : 1,
} as const

/** One line per measurement, gathered by `pnpm test:chaos` into docs/reliability.md's tables. */
export function report(test: string, figures: Record<string, number | string>) {
  const line = Object.entries(figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')
  console.log(`[chaos:${CHAOS_SCALE.name}] ${test}: ${line}`)
}
