import { describe, expect, it } from 'vitest'
import { isRecord } from '~/domain/agent-logs/json-line'
import { readFixture } from '~/domain/agent-logs/test-helpers'
import { codexEntries } from './entry-checks'

const FIXTURES = [
  'codex/synthetic-acme-api.jsonl',
  'codex/rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl',
  'codex/rollout-2026-02-23T12-41-04-019c8a4d-8f45-7010-8b5d-7fad920aa6f9.jsonl',
  'codex/rollout-2026-02-23T20-34-25-019c8bfe-ec25-79e0-97d7-bda6a9c575ff.jsonl',
]

/** Every value a check could be asked about in the fixtures: lines, payloads and call arguments. */
function candidates(): unknown[] {
  const values: unknown[] = []
  for (const fixture of FIXTURES) {
    for (const line of readFixture(fixture).split('\n')) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        continue
      }
      values.push(value)
      if (!isRecord(value)) continue
      values.push(value.payload)
      const args = isRecord(value.payload) ? value.payload.arguments : undefined
      if (typeof args === 'string') {
        try {
          values.push(JSON.parse(args))
        } catch {}
      }
    }
  }
  return values
}

/** Values built to sit on the edge of a schema: wrong types, nulls, arrays where objects go. */
const ODD_VALUES: unknown[] = [
  null,
  'text',
  42,
  [],
  [{ type: 'x' }],
  {},
  { type: 1 },
  { type: 'x', timestamp: 5 },
  { type: 'x', timestamp: null, payload: [] },
  { role: 'user', content: [{ type: 'input_text', text: 3 }] },
  { role: 'user', content: [{ text: 'no type' }] },
  { role: 'user', content: { type: 'x' } },
  { role: null },
  { name: 'shell', call_id: 7 },
  { name: 'shell', call_id: 'c', arguments: undefined },
  { call_id: 'c', output: 5 },
  { call_id: 'c', output: null },
  { call_id: 'c', output: [1, 'a'] },
  { name: 'apply_patch', call_id: 'c', status: 3 },
  { action: { query: 3 } },
  { action: [] },
  { status: 'done', action: null },
  { cmd: ['ls', 1] },
  { cmd: 'ls', workdir: 3 },
  { command: ['ls', '-l'], cwd: null },
  { info: { total_token_usage: { input_tokens: '1', output_tokens: 2 } } },
  { info: { total_token_usage: { input_tokens: 1, output_tokens: 2, cached_input_tokens: null } } },
  { info: [] },
  { message: ['x'] },
  { summary: 'bad' },
  { summary: [{ type: 'summary_text' }], content: 'x', encrypted_content: 1 },
  { model: 5 },
  { model: 'gpt', cwd: '/x' },
]

describe('Codex entry checks', () => {
  const values = [...candidates(), ...ODD_VALUES]

  it.each(Object.entries(codexEntries))('%s accepts nothing its zod schema refuses', (_name, entry) => {
    for (const value of values) {
      if (entry.check(value)) expect(entry.schema.safeParse(value).success, JSON.stringify(value)).toBe(true)
    }
  })

  it('answers the common entries of real rollouts without zod', () => {
    const lines = candidates().filter((value) => isRecord(value) && 'payload' in value)
    expect(lines.length).toBeGreaterThan(100)
    for (const line of lines) expect(codexEntries.envelope.check(line)).toBe(true)
  })

  it('still explains a value the check refuses through zod', () => {
    const result = codexEntries.callOutput.safeParse({ call_id: 'c', output: 5 })
    expect(result.success).toBe(false)
  })
})
