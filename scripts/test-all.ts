/**
 * `npm test`: static checks, then vitest (unit + integration) and Playwright. Ends with the one
 * line CI reads, `N passed, N failed`, summed over every runner; a failing static check counts
 * as one failed test so it can never hide behind green suites.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'

interface Tally {
  name: string
  passed: number
  failed: number
  skipped: number
}

const results: Tally[] = []
const RESULTS_DIR = 'test-results'
rmSync(RESULTS_DIR, { recursive: true, force: true })
mkdirSync(RESULTS_DIR, { recursive: true })

function step(title: string, command: string, args: string[]) {
  console.log(`\n=== ${title}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } })
  console.log(`=== ${title}: exit ${result.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return result.status === 0
}

function check(title: string, command: string, args: string[]) {
  const ok = step(title, command, args)
  results.push({ name: title, passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 })
  return ok
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch {
    return undefined
  }
}

check('migrations match schema', 'pnpm', ['exec', 'tsx', 'scripts/check-migrations.ts'])
check('typecheck', 'pnpm', ['exec', 'tsc', '--noEmit'])
check('lint', 'pnpm', ['exec', 'biome', 'check', '.'])
const built = check('build', 'pnpm', ['exec', 'vite', 'build'])

const vitestOk = step('vitest', 'pnpm', [
  'exec',
  'vitest',
  'run',
  '--project=unit',
  '--project=integration',
  // The short fault-injection run (needs the build above); `pnpm test:chaos` runs the full counts.
  '--project=chaos',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${RESULTS_DIR}/vitest.json`,
])
const vitest = readJson<{
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
}>(`${RESULTS_DIR}/vitest.json`)
results.push({
  name: 'vitest',
  passed: vitest?.numPassedTests ?? 0,
  // A crash before the report (or a failing suite with no failed test, e.g. an import error) still fails.
  failed: (vitest?.numFailedTests ?? 0) + (!vitestOk && !vitest?.numFailedTests ? 1 : 0),
  skipped: (vitest?.numPendingTests ?? 0) + (vitest?.numTodoTests ?? 0),
})

if (built) {
  const playwrightOk = step('playwright', 'pnpm', ['exec', 'playwright', 'test'])
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(
    `${RESULTS_DIR}/playwright.json`,
  )
  const stats = report?.stats
  results.push({
    name: 'playwright',
    passed: (stats?.expected ?? 0) + (stats?.flaky ?? 0),
    failed: (stats?.unexpected ?? 0) + (!playwrightOk && !stats?.unexpected ? 1 : 0),
    skipped: stats?.skipped ?? 0,
  })
} else {
  results.push({ name: 'playwright (not run: build failed)', passed: 0, failed: 1, skipped: 0 })
}

console.log('\n=== summary')
for (const r of results)
  console.log(`  ${r.name}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`)
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
const skipped = results.reduce((n, r) => n + r.skipped, 0)
const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`
writeFileSync(`${RESULTS_DIR}/summary.txt`, `${line}\n`)
console.log(line)
process.exitCode = failed > 0 ? 1 : 0
