/**
 * The common output of every benchmark: a printed table and `bench-results/<name>.json` holding
 * `{name, machine, date, metrics}`. The files are the raw record of one run on one machine, so they
 * are gitignored; docs/benchmarks.md keeps the figures worth comparing, with machine and date.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'

export interface MachineInfo {
  cpuModel: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
  /** 1, 5 and 15 minute load averages at the end of the run: a busy machine explains slow figures. */
  loadAverage: number[]
}

export interface BenchResult<Metrics> {
  name: string
  machine: MachineInfo
  date: string
  metrics: Metrics
}

export interface SampleSummary {
  count: number
  min: number
  median: number
  p99: number
  max: number
  mean: number
}

export function describeMachine(): MachineInfo {
  const round = (value: number) => Math.round(value * 100) / 100
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: loadavg().map(round),
  }
}

/** Nearest-rank percentile of ascending-sorted samples (p in 0–100]. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples')
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** Median is the mean of the two middle samples for an even count; p99 is nearest-rank. */
export function summarize(samples: readonly number[]): SampleSummary {
  if (samples.length === 0) throw new Error('summary of no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return {
    count: sorted.length,
    min: sorted[0],
    median,
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
  }
}

/** A Markdown table (pastes straight into docs/benchmarks.md); the first column is left-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== header.length) throw new Error(`row has ${row.length} cells, header has ${header.length}`)
  }
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  const rule = header.map((_, index) => (index === 0 ? '---' : '---:'))
  return [line(header), line(rule), ...rows.map(line)].join('\n')
}

export function buildBenchResult<Metrics>(
  name: string,
  metrics: Metrics,
  { machine = describeMachine(), date = new Date() }: { machine?: MachineInfo; date?: Date } = {},
): BenchResult<Metrics> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`benchmark name must be kebab-case, got "${name}"`)
  return { name, machine, date: date.toISOString(), metrics }
}

/** Writes `<dir>/<name>.json` (dir defaults to ./bench-results) and returns its path. */
export function writeBenchResult<Metrics>(result: BenchResult<Metrics>, dir = join(process.cwd(), 'bench-results')) {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, `${result.name}.json`)
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`)
  return path
}

/**
 * How a memory series moved: the means of its first and last quarters (so one garbage
 * collection's swing is not read as growth) and a least-squares slope per minute.
 */
export function rssTrend(samples: readonly { second: number; mib: number }[]) {
  if (samples.length < 4) return { firstQuarterMiB: 0, lastQuarterMiB: 0, growthMiB: 0, slopeMiBPerMinute: 0 }
  const quarter = Math.max(1, Math.floor(samples.length / 4))
  const mean = (list: readonly { mib: number }[]) => list.reduce((sum, sample) => sum + sample.mib, 0) / list.length
  const firstQuarterMiB = mean(samples.slice(0, quarter))
  const lastQuarterMiB = mean(samples.slice(-quarter))
  const meanSecond = samples.reduce((sum, sample) => sum + sample.second, 0) / samples.length
  const meanMib = mean(samples)
  let covariance = 0
  let variance = 0
  for (const sample of samples) {
    covariance += (sample.second - meanSecond) * (sample.mib - meanMib)
    variance += (sample.second - meanSecond) ** 2
  }
  return {
    firstQuarterMiB,
    lastQuarterMiB,
    growthMiB: lastQuarterMiB - firstQuarterMiB,
    slopeMiBPerMinute: variance === 0 ? 0 : (covariance / variance) * 60,
  }
}
