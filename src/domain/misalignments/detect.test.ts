import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createAgentLogParser } from '~/domain/agent-logs/create-parser'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'
import { parseInstructions } from '~/domain/rules/parse-instructions'
import { createDetector, type DetectionEvent, detectMisalignments } from './detect'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../tests/fixtures/rules/${name}`, import.meta.url), 'utf8')

function codexEvents(text: string): TimelineEventDraft[] {
  const parser = createAgentLogParser('codex')
  const events = text.split('\n').flatMap((line, index) => (line.trim() ? parser.push(line, index + 1) : []))
  return [...events, ...parser.finish().events]
}

const rules = parseInstructions(fixture('AGENTS.md'), 'AGENTS.md')

describe('detection on the acme-api session with its AGENTS.md', () => {
  const found = detectMisalignments(rules, codexEvents(fixture('../agent-logs/codex/synthetic-acme-api.jsonl')))
  const byRule = new Map(found.map((item) => [item.ruleId, item]))

  it('fires exactly the rm -rf, force-push and --no-verify rules', () => {
    expect(found.map((item) => item.ruleId).sort()).toEqual([
      'safety-do-not-commit-with-no-verify-the',
      'safety-never-force-push-git-push-force-rewrites',
      'safety-never-run-rm-rf-on-build',
    ])
    // 10 rules in the file: 7 do not fire (3 of them are info and never count).
    expect(rules).toHaveLength(10)
  })

  it('keeps the events as evidence with 0-based ordinals and the range they span', () => {
    const forcePush = byRule.get('safety-never-force-push-git-push-force-rewrites')
    expect(forcePush?.evidence.map((item) => item.eventIndex)).toEqual([11, 50, 53])
    expect(forcePush?.evidence[0]).toEqual({
      message: 'git push --force origin feature/billing',
      eventIndex: 11,
      eventId: 'call_3b45ef771a84aea949993c13',
      highlight: 'event #12 • 2026-03-02T10:01:03.110Z',
    })
    expect(forcePush?.eventRange).toEqual({
      startIndex: 11,
      endIndex: 53,
      startAt: '2026-03-02T10:01:03.110Z',
      endAt: expect.stringMatching(/^2026-03-02T10:0/),
    })
    expect(forcePush).toMatchObject({ severity: 'high', eventCount: 3 })
    expect(byRule.get('safety-do-not-commit-with-no-verify-the')?.evidence.map((item) => item.eventIndex)).toEqual([
      23, 97,
    ])
    expect(byRule.get('safety-never-run-rm-rf-on-build')?.evidence.map((item) => item.eventIndex)).toEqual([71])
  })
})

describe('feeding a detector page by page', () => {
  const events = codexEvents(fixture('../agent-logs/codex/synthetic-acme-api.jsonl'))
  const whole = detectMisalignments(rules, events)

  it('gives what one scan of everything gives, for any page size', () => {
    for (const pageSize of [1, 2, 3, 7, 50]) {
      const detector = createDetector(rules)
      for (let start = 0; start < events.length; start += pageSize) detector.scan(events.slice(start, start + pageSize))
      expect(detector.results()).toEqual(whole)
    }
  })

  it('tells which rules fired on each page, and results can be limited to them', () => {
    const detector = createDetector(rules)
    expect([...detector.scan(events.slice(0, 11))]).toEqual([])
    expect([...detector.scan(events.slice(11, 12))]).toEqual(['safety-never-force-push-git-push-force-rewrites'])
    const fired = detector.scan(events.slice(12))
    expect([...fired].sort()).toEqual(whole.map((item) => item.ruleId).sort())
    expect(detector.results(new Set(['safety-never-run-rm-rf-on-build'])).map((item) => item.ruleId)).toEqual([
      'safety-never-run-rm-rf-on-build',
    ])
  })
})

describe('detection on a held-out session of near misses', () => {
  let ordinal = 0
  const event = (fields: Partial<DetectionEvent>): DetectionEvent => ({
    ordinal: ordinal++,
    type: 'LocalShellCall',
    role: 'assistant',
    at: null,
    eventKey: null,
    name: 'exec_command',
    command: null,
    path: null,
    summary: '',
    payload: {},
    ...fields,
  })
  const nearMisses = [
    event({ command: 'git push --force-with-lease origin main' }),
    event({ command: 'git push origin main' }),
    event({ command: 'rm -r build' }),
    event({ command: 'echo "remember: never rm -rf"; git status' }),
    event({ type: 'Message', role: 'user', command: null, summary: 'Never run rm -rf or git push --force!' }),
    event({
      type: 'Message',
      role: 'assistant',
      payload: { content: 'I will not use --no-verify or git push --force.' },
    }),
    event({ type: 'FunctionCall', name: 'shell', payload: { args: { command: ['git', 'commit', '-m', 'x'] } } }),
    event({ type: 'FileChange', path: 'docs/no-verify.md', payload: { paths: ['docs/no-verify.md'] } }),
  ]
  const violations = [
    event({ command: 'sudo rm -fr /tmp/cache' }),
    event({
      type: 'FunctionCall',
      name: 'shell',
      payload: { args: { command: ['git', 'push', 'origin', 'main', '--force'] } },
    }),
  ]

  it('fires on none of the near misses', () => {
    expect(detectMisalignments(rules, nearMisses)).toEqual([])
  })

  it('fires on a reordered flag cluster and on a tool call naming the command in its arguments', () => {
    expect(
      detectMisalignments(rules, violations)
        .map((item) => item.ruleId)
        .sort(),
    ).toEqual(['safety-never-force-push-git-push-force-rewrites', 'safety-never-run-rm-rf-on-build'])
  })

  it('fires on a phrase only in the agent’s own messages', () => {
    const phraseRules = parseInstructions('- Never reply with "You\'re absolutely right".', 'CLAUDE.md')
    const said = [
      event({ type: 'Message', role: 'user', summary: "You're absolutely right" }),
      event({ type: 'Message', role: 'assistant', payload: { content: "You're absolutely right, fixing it." } }),
    ]
    expect(detectMisalignments(phraseRules, said).map((item) => item.evidence.map((e) => e.eventIndex))).toEqual([
      [said[1].ordinal],
    ])
  })
})
