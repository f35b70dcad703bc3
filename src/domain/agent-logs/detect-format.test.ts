import { readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createAgentLogParser } from './create-parser'
import { DETECTION_LINE_COUNT, detectAgentLogFormat } from './detect-format'
import { parseText, readFixture } from './test-helpers'
import type { AgentLogFormat } from './types'

const ROOT = fileURLToPath(new URL('../../../tests/fixtures/agent-logs/', import.meta.url))

function fixtureFiles(dir: string): string[] {
  return readdirSync(`${ROOT}${dir}`).flatMap((name) => {
    const path = `${dir}/${name}`
    if (statSync(`${ROOT}${path}`).isDirectory()) return fixtureFiles(path)
    return name.endsWith('.json') || name.endsWith('.jsonl') ? [path] : []
  })
}

const AGENTS: AgentLogFormat[] = ['codex', 'gemini-cli', 'claude-code']

describe('detectAgentLogFormat', () => {
  for (const agent of AGENTS) {
    for (const path of fixtureFiles(agent)) {
      it(`recognises ${path} from its first lines alone`, () => {
        const firstLines = readFixture(path).split('\n').slice(0, DETECTION_LINE_COUNT)
        expect(detectAgentLogFormat({ firstLines })).toBe(agent)
      })
      // The generated Codex fixture has a made-up name that says nothing about its agent.
      const nameSaysNothing = path.endsWith('synthetic-acme-api.jsonl')
      it(`${nameSaysNothing ? 'cannot tell' : 'recognises'} ${path} from its name alone`, () => {
        const filename = `/home/dev/Downloads/${path.split('/').at(-1)}`
        expect(detectAgentLogFormat({ filename })).toBe(nameSaysNothing ? null : agent)
      })
    }
  }

  it('recognises a first line cut off after a few hundred characters', () => {
    const cut = (path: string, length: number) => readFixture(path).slice(0, length).split('\n')
    expect(
      detectAgentLogFormat({
        firstLines: cut('codex/rollout-2026-02-23T12-40-23-019c8a4c-ed82-79a1-aa28-7738fc5ab61a.jsonl', 300),
      }),
    ).toBe('codex')
    expect(
      detectAgentLogFormat({ firstLines: cut('claude-code/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl', 250) }),
    ).toBe('claude-code')
    expect(detectAgentLogFormat({ firstLines: cut('gemini-cli/session-2026-04-23T12-52-0ab84937.jsonl', 120) })).toBe(
      'gemini-cli',
    )
  })

  it('uses the path when the name says nothing', () => {
    expect(detectAgentLogFormat({ filename: '/home/dev/.codex/sessions/2026/01/02/log.jsonl' })).toBe('codex')
    expect(detectAgentLogFormat({ filename: '/home/dev/.gemini/tmp/abc/chats/log.json' })).toBe('gemini-cli')
    expect(detectAgentLogFormat({ filename: 'C:\\Users\\dev\\.claude\\projects\\x\\log.jsonl' })).toBe('claude-code')
  })

  it('lets conclusive content win over a misleading name', () => {
    const firstLines = readFixture('claude-code/55604662-cf2a-4331-851a-ec234028f8ca.jsonl').split('\n').slice(0, 5)
    expect(detectAgentLogFormat({ firstLines, filename: 'rollout-2026-01-01.jsonl' })).toBe('claude-code')
  })

  it('returns null for something no parser reads', () => {
    expect(detectAgentLogFormat({ firstLines: ['hello world', '{"a":1}'], filename: 'notes.txt' })).toBeNull()
    expect(detectAgentLogFormat({ firstLines: [] })).toBeNull()
  })
})

describe('createAgentLogParser', () => {
  it('gives each format its parser, and every fixture parses without malformed lines except the planted one', () => {
    for (const agent of AGENTS) {
      for (const path of fixtureFiles(agent)) {
        const { info, events } = parseText(createAgentLogParser(agent), readFixture(path))
        expect(info.origin).toBe(agent)
        expect(events.length).toBeGreaterThan(0)
        expect(info.errorLineCount).toBe(path.endsWith('synthetic-acme-api.jsonl') ? 1 : 0)
      }
    }
  })
})
