export {}

/**
 * `pnpm bench [name…]`: runs the named benchmarks (all when none is named). Each module exports
 * `run()` and prints its own results, writing them to bench-results/<name>.json with
 * ./bench-results.ts; docs/benchmarks.md records the figures with machine and date.
 */
const BENCHMARKS = {
  'shape-server': () => import('./shape-server'),
  import: () => import('../../cli/legacy/import-benchmark'),
  'write-cost': () => import('./write-cost'),
  ingest: () => import('./ingest'),
  search: () => import('./search'),
  coach: () => import('./coach'),
  'timeline-load': () => import('./timeline-load'),
  'proxy-overhead': () => import('./proxy-overhead'),
  'sync-latency': () => import('./sync-latency'),
  load: () => import('./load'),
} as const

type BenchmarkName = keyof typeof BENCHMARKS

const requested = process.argv.slice(2)
const unknown = requested.filter((name) => !(name in BENCHMARKS))
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(BENCHMARKS).join(', ')}`)
  process.exit(2)
}
const names = (requested.length > 0 ? requested : Object.keys(BENCHMARKS)) as BenchmarkName[]
for (const name of names) {
  console.log(`\n### ${name}`)
  const module = await BENCHMARKS[name]()
  await module.run()
}
process.exit(0)
