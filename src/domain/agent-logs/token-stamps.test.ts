/** `payload.tokensSoFar`: the running token totals, written on the first event after they change. */
import { describe, expect, it } from 'vitest'
import { createAgentLogParser } from './create-parser'
import type { TokenTotals } from './line-parser'
import { parseText, readFixture } from './test-helpers'
import type { AgentLogFormat } from './types'

const FIXTURES: [AgentLogFormat, string][] = [
  ['codex', 'codex/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl'],
  ['claude-code', 'claude-code/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl'],
  ['gemini-cli', 'gemini-cli/session-2026-04-23T12-52-0ab84937.jsonl'],
]

const sum = (totals: TokenTotals) => totals.input + totals.output + totals.reasoning

describe('token stamps', () => {
  it.each(FIXTURES)('%s: stamps grow, never repeat, and never pass the session totals', (format, file) => {
    const { events, info } = parseText(createAgentLogParser(format), readFixture(file))
    const stamps = events
      .map((event) => event.payload.tokensSoFar as TokenTotals | undefined)
      .filter((stamp): stamp is TokenTotals => stamp !== undefined)
    expect(stamps.length).toBeGreaterThan(1)
    for (let index = 1; index < stamps.length; index++) {
      expect(sum(stamps[index])).toBeGreaterThanOrEqual(sum(stamps[index - 1]))
      expect(stamps[index]).not.toEqual(stamps[index - 1])
    }
    const last = stamps.at(-1) as TokenTotals
    expect(last.input).toBeLessThanOrEqual(info.inputTokens)
    expect(last.output).toBeLessThanOrEqual(info.outputTokens)
  })

  it('a resumed parser does not repeat the stamp it wrote before the restart', () => {
    const text = readFixture(FIXTURES[0][1])
    const lines = text.split('\n').filter((line) => line !== '')
    const half = Math.floor(lines.length / 2)
    const first = createAgentLogParser('codex')
    const before = lines.slice(0, half).flatMap((line, index) => first.push(line, index + 1))
    const resumed = createAgentLogParser('codex', first.saveState())
    const after = [
      ...lines.slice(half).flatMap((line, index) => resumed.push(line, half + index + 1)),
      ...resumed.finish().events,
    ]
    const whole = parseText(createAgentLogParser('codex'), text).events
    expect([...before, ...after].map((event) => event.payload.tokensSoFar ?? null)).toEqual(
      whole.map((event) => event.payload.tokensSoFar ?? null),
    )
  })
})
