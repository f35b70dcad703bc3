import { describe, expect, it } from 'vitest'
import { throttledProgress } from '../../progress'

describe('throttledProgress', () => {
  it('stays silent for quick work and then writes at most one line per interval', () => {
    let time = 0
    const lines: string[] = []
    const progress = throttledProgress(
      (line) => lines.push(line),
      1000,
      () => time,
    )
    for (time = 0; time < 3500; time += 100) progress.update(() => `at ${time}`)
    expect(lines).toEqual(['at 1000', 'at 2000', 'at 3000'])
  })
})
