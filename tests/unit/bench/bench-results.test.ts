import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  buildBenchResult,
  formatTable,
  type MachineInfo,
  percentile,
  rssTrend,
  summarize,
  writeBenchResult,
} from '../../../scripts/bench/bench-results'

const machine: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  memoryGiB: 24,
  node: 'v20.20.2',
  platform: 'linux-x64',
  loadAverage: [0.5, 0.4, 0.3],
}

describe('summarize', () => {
  it('takes the middle sample of an odd count and ignores input order', () => {
    expect(summarize([5, 1, 3])).toEqual({ count: 3, min: 1, median: 3, p99: 5, max: 5, mean: 3 })
  })

  it('averages the two middle samples of an even count', () => {
    expect(summarize([4, 1, 2, 3]).median).toBe(2.5)
  })

  it('uses the nearest rank for p99: the 99th of 100 samples, the largest of fewer', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1)
    expect(summarize(hundred).p99).toBe(99)
    expect(summarize([1, 2, 3, 1000]).p99).toBe(1000)
  })

  it('does not reorder the caller’s samples', () => {
    const samples = [3, 1, 2]
    summarize(samples)
    expect(samples).toEqual([3, 1, 2])
  })

  it('refuses an empty sample set instead of reporting NaN', () => {
    expect(() => summarize([])).toThrow(/no samples/)
  })
})

describe('percentile', () => {
  it('rejects percentiles outside (0, 100]', () => {
    expect(() => percentile([1, 2], 0)).toThrow(/\(0, 100\]/)
    expect(() => percentile([1, 2], 101)).toThrow(/\(0, 100\]/)
    expect(percentile([1, 2], 50)).toBe(1)
    expect(percentile([1, 2], 100)).toBe(2)
  })
})

describe('formatTable', () => {
  it('prints a Markdown table with numeric columns right-aligned', () => {
    expect(
      formatTable(
        ['store', 'median'],
        [
          ['ours', '1 ms'],
          ['baseline', '900 ms'],
        ],
      ),
    ).toBe('| store | median |\n| --- | ---: |\n| ours | 1 ms |\n| baseline | 900 ms |')
  })

  it('refuses rows whose width does not match the header', () => {
    expect(() => formatTable(['a', 'b'], [['only one']])).toThrow(/1 cells, header has 2/)
  })
})

describe('bench result files', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('writes {name, machine, date, metrics} to <dir>/<name>.json', () => {
    const parent = mkdtempSync(join(tmpdir(), 'bench-results-test-'))
    dirs.push(parent)
    // A folder that does not exist yet: the writer creates it.
    const dir = join(parent, 'nested')
    const result = buildBenchResult(
      'write-cost',
      { flatness: 1.1 },
      { machine, date: new Date('2026-11-29T08:00:00Z') },
    )
    const path = writeBenchResult(result, dir)
    expect(path).toBe(join(dir, 'write-cost.json'))
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      name: 'write-cost',
      machine,
      date: '2026-11-29T08:00:00.000Z',
      metrics: { flatness: 1.1 },
    })
  })

  it('describes the real machine when none is given', () => {
    const result = buildBenchResult('write-cost', {})
    expect(result.machine.cores).toBeGreaterThan(0)
    expect(result.machine.node).toBe(process.version)
    expect(result.machine.loadAverage).toHaveLength(3)
  })

  it('rejects names that would not make a plain file name', () => {
    expect(() => buildBenchResult('../escape', {})).toThrow(/kebab-case/)
    expect(() => buildBenchResult('Write Cost', {})).toThrow(/kebab-case/)
  })
})

describe('rssTrend', () => {
  const series = (values: number[]) => values.map((mib, index) => ({ second: index * 2, mib }))

  it('reads a plateau with garbage-collection swings as no growth', () => {
    const trend = rssTrend(series([280, 290, 284, 287, 281, 290, 283, 288, 282, 289, 284, 286]))
    expect(Math.abs(trend.growthMiB)).toBeLessThan(2)
    expect(Math.abs(trend.slopeMiBPerMinute)).toBeLessThan(5)
  })

  it('reads a steady climb as growth, in MiB per minute', () => {
    // 1 MiB every 2 s is 30 MiB per minute.
    const trend = rssTrend(series(Array.from({ length: 20 }, (_, index) => 200 + index)))
    expect(trend.slopeMiBPerMinute).toBeCloseTo(30, 5)
    expect(trend.growthMiB).toBe(15)
  })

  it('says nothing about fewer than four samples', () => {
    expect(rssTrend(series([100, 400]))).toEqual({
      firstQuarterMiB: 0,
      lastQuarterMiB: 0,
      growthMiB: 0,
      slopeMiBPerMinute: 0,
    })
  })
})
