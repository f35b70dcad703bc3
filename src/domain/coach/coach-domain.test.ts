import { describe, expect, it } from 'vitest'
import { buildCoachContext, type CoachContextInput } from './context-builder'
import type { EventDigest } from './event-digest'
import { attachedEventNumbers, referencedEventNumbers } from './event-references'
import { commitMessageSuggestions, composeOfflineReply, sessionSummaryMarkdown } from './offline-answers'
import { coachStreamRequestSchema, MAX_PROMPT_CHARS } from './stream-protocol'

const event = (number: number, fields: Partial<EventDigest> = {}): EventDigest => ({
  number,
  type: 'Message',
  role: 'assistant',
  at: null,
  name: null,
  command: null,
  path: null,
  exitCode: null,
  summary: `event ${number} text`,
  ...fields,
})

const context = (overrides: Partial<CoachContextInput> = {}): CoachContextInput => ({
  session: {
    id: 's1',
    title: 'Fix the login flow',
    origin: 'codex',
    repoName: 'acme/api',
    branch: 'main',
    commitSha: null,
    cwd: '/work/api',
    model: null,
    startedAt: null,
    lastEventAt: null,
    eventCount: 40,
  },
  misalignments: [
    {
      id: 'm1',
      ruleId: 'no-rm-rf',
      title: 'Never run rm -rf outside the build folder',
      summary: 'The agent deleted the repository root.',
      severity: 'critical',
      status: 'open',
      evidence: [{ message: 'rm -rf /', eventIndex: 11 }],
      eventRange: { startIndex: 11, endIndex: 11 },
    },
  ],
  attachedEvents: [],
  recentEvents: Array.from({ length: 25 }, (_, i) =>
    event(i + 16, i === 3 ? { type: 'FileChange', path: 'src/auth/login.ts' } : {}),
  ),
  ...overrides,
})

describe('coach requests', () => {
  const base = { sessionId: '7f1d8f5e-3f5c-4d56-9a66-0c1f1d3f0a11', clientMessageId: 'c1' }
  it('refuses empty and oversized prompts with a message, and defaults the mode', () => {
    expect(coachStreamRequestSchema.safeParse({ ...base, prompt: '   ' }).error?.issues[0].message).toMatch(/empty/)
    expect(
      coachStreamRequestSchema.safeParse({ ...base, prompt: 'x'.repeat(MAX_PROMPT_CHARS + 1) }).error?.issues[0]
        .message,
    ).toMatch(/longer than 16,000 characters/)
    expect(coachStreamRequestSchema.parse({ ...base, prompt: 'hi' }).mode).toBe('session')
    expect(coachStreamRequestSchema.safeParse({ ...base, prompt: 'hi', sessionId: 'x' }).success).toBe(false)
  })

  it('finds #N references (at most 8, in order) and merges the attached events and range', () => {
    expect(referencedEventNumbers('see #3, #12 and #3 again, not #0 or a#b')).toEqual([3, 12])
    expect(referencedEventNumbers(Array.from({ length: 12 }, (_, i) => `#${i + 1}`).join(' '))).toHaveLength(8)
    expect(attachedEventNumbers('and #9', { eventNumbers: [4], eventRange: { startIndex: 0, endIndex: 1 } })).toEqual([
      4, 1, 2, 9,
    ])
  })
})

describe('coach context', () => {
  it('keeps every section when it fits and counts its tokens', () => {
    const built = buildCoachContext(context({ attachedEvents: [event(12)] }), 10_000)
    expect(built.text).toMatch(/^# Session\n\ntitle: Fix the login flow/)
    expect(built.summary.sections.map((s) => [s.id, s.trimmed])).toEqual([
      ['session-meta', false],
      ['misalignments', false],
      ['attached-events', false],
      ['recent-events', false],
    ])
    expect(built.summary.usedTokens).toBe(Math.ceil(built.text.length / 4))
  })

  it('trims the lowest-priority sections first to fit the budget', () => {
    const built = buildCoachContext(context({ attachedEvents: [event(12)] }), 200)
    expect(built.summary.usedTokens).toBeLessThanOrEqual(200)
    const byId = Object.fromEntries(built.summary.sections.map((s) => [s.id, s]))
    expect(byId['recent-events'].trimmed).toBe(true)
    expect(byId['session-meta'].trimmed).toBe(false)
    expect(built.text).toContain('# Session')
  })
})

describe('offline coach', () => {
  it('summarizes a session in the four sections, bullets at most 160 characters', () => {
    const summary = sessionSummaryMarkdown({
      context: context(),
      openingRequests: [
        event(1, { role: 'user', summary: `Fix the login redirect. Then add tests! ${'x'.repeat(300)}` }),
      ],
    })
    expect(summary.split('\n').filter((line) => line.startsWith('## '))).toEqual([
      '## Goals',
      '## Main changes',
      '## Issues',
      '## Follow-ups',
    ])
    expect(summary).toContain('- Fix the login redirect.')
    expect(summary).toContain('[critical] Never run rm -rf')
    for (const line of summary.split('\n').filter((l) => l.startsWith('- ')))
      expect(line.length).toBeLessThanOrEqual(162)
  })

  it('suggests at most five commit subjects, misalignments first', () => {
    const commits = commitMessageSuggestions(context())
    expect(commits[0]).toBe('fix(agents): address Never run rm -rf outside the build folder')
    expect(commits).toContain('chore(session): update auth/login.ts')
    expect(commits.length).toBeLessThanOrEqual(5)
    expect(commitMessageSuggestions(context({ misalignments: [], recentEvents: [] }))).toEqual([
      'chore(session): document current findings',
    ])
  })

  it('explains a fetched event with the misalignments that cite it', () => {
    const reply = composeOfflineReply({
      prompt: 'what is #12?',
      mode: 'session',
      context: context(),
      openingRequests: [],
      fetchedEvents: [
        { number: 12, type: 'LocalShellCall', detail: 'Event #12 LocalShellCall\ncommand: rm -rf /', exitCode: 1 },
      ],
    })
    expect(reply).toContain('### Event #12 · LocalShellCall')
    expect(reply).toContain('Cited by 1 misalignment')
    expect(reply).toContain('exit 1')
  })

  it('answers an open question with what it can do', () => {
    const reply = composeOfflineReply({
      prompt: 'hello',
      mode: 'session',
      context: context(),
      openingRequests: [],
      fetchedEvents: [],
    })
    expect(reply).toContain('**Fix the login flow**: 40 events, 1 open misalignment')
    expect(reply).toContain('**summary**')
  })
})
