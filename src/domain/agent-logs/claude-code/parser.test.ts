import { describe, expect, it } from 'vitest'
import { countByType, parseText, readFixture } from '~/domain/agent-logs/test-helpers'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'
import { ClaudeCodeParser } from './parser'

const SHORT = 'claude-code/55604662-cf2a-4331-851a-ec234028f8ca.jsonl'
const TOOL_HEAVY = 'claude-code/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl'
const V1_LINEAR = 'claude-code/1af7fc5e-8455-4414-9ccd-011d40f70b2a.jsonl'
const V1_SIDECHAINS = 'claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'
const V2_POMODORO = 'claude-code/36d9e1bc-63bf-4e97-8a3e-2b20ba8583f2.jsonl'
/** Lines 1-160, 488-500, 608-615, 1250-1262 and 1840-1863 of the 2.7 MB original (see README). */
const V21_EXCERPT = 'claude-code/258c7280-ae70-4798-800f-63464d01a85d.excerpt.jsonl'
const SUB_AGENT = 'claude-code/258c7280-ae70-4798-800f-63464d01a85d/subagents/agent-a881341.jsonl'
const COMPACT_AGENT = 'claude-code/258c7280-ae70-4798-800f-63464d01a85d/subagents/agent-acompact-fffbd0.jsonl'

const parseFixture = (path: string) => parseText(new ClaudeCodeParser(), readFixture(path))

describe('Claude Code project logs', () => {
  it('reads the session row of a short 2.1 session, counting each API message usage once', () => {
    const { info } = parseFixture(SHORT)
    expect(info).toMatchObject({
      origin: 'claude-code',
      sourceKey: '55604662-cf2a-4331-851a-ec234028f8ca',
      title: 'mix phx.server doesnt seem to start',
      cwd: '/home/dev/projects/spotter',
      repoName: 'spotter',
      branch: 'master',
      model: 'claude-opus-4-6',
      cliVersion: '2.1.38',
      startedAt: '2026-02-10T21:11:56.846Z',
      lastEventAt: '2026-02-10T21:16:12.381Z',
      // One message (msg_01MKH1…) written as five block lines: 3 + 13835 + 11515 input, 13 output.
      inputTokens: 25353,
      cachedInputTokens: 11515,
      outputTokens: 13,
      errorLineCount: 0,
    })
  })

  it('maps blocks to events and pairs rejected tool calls with their error results', () => {
    const { events } = parseFixture(SHORT)
    // progress and file-history-snapshot lines add nothing; the whitespace-only text block neither.
    expect(events.map((event) => [event.type, event.name ?? event.role])).toEqual([
      ['Message', 'user'],
      ['Reasoning', 'assistant'],
      ['Message', 'assistant'],
      ['LocalShellCall', 'Bash'],
      ['FunctionCall', 'Glob'],
      ['Message', 'user'],
      ['Other', 'local_command'],
      ['Other', 'local_command'],
    ])
    expect(events[3]).toMatchObject({
      eventKey: 'toolu_0116Hyi5v8ut7Ffb7d8qV1Sc',
      command: 'mix phx.server 2>&1 | head -80',
      exitCode: null,
      durationMs: 1363,
      summary: '$ mix phx.server 2>&1 | head -80 (failed)',
    })
    expect(events[3].payload).toMatchObject({ isError: true, cwd: '/home/dev/projects/spotter' })
    expect(events[4].payload).toMatchObject({ isError: true, args: { pattern: 'mix.exs' } })
  })

  it('reads web searches, queue operations and background shells', () => {
    const { events, info } = parseFixture(TOOL_HEAVY)
    expect(countByType(events)).toEqual({
      Message: 8,
      Reasoning: 1,
      LocalShellCall: 2,
      FunctionCall: 3,
      WebSearchCall: 1,
      Other: 4,
    })
    expect(events.find((event) => event.type === 'WebSearchCall')?.summary).toBe(
      'Web search: xterm.js scroll not working embedded page captures scroll events',
    )
    expect(events.filter((event) => event.name?.startsWith('queue-')).map((event) => event.summary)).toEqual([
      'Queued (enqueue): /mcp',
      'Queued (remove)',
    ])
    expect(events.find((event) => event.type === 'LocalShellCall')).toMatchObject({
      command: 'mix phx.server',
      exitCode: 0,
    })
    expect(info.title).toBe('start phoenix in background')
  })

  it('reads a 1.0 session: slash-command title, permission error on Write', () => {
    const { events, info } = parseFixture(V1_LINEAR)
    expect(countByType(events)).toEqual({ Message: 5, FunctionCall: 9, LocalShellCall: 2, FileChange: 1 })
    expect(info).toMatchObject({ title: '/init', cwd: '/path/to/Demo', branch: null, cliVersion: '1.0.98' })
    const write = events.find((event) => event.type === 'FileChange')
    expect(write).toMatchObject({ name: 'Write', path: '/path/to/Demo/CLAUDE.md' })
    expect(write?.payload.isError).toBe(true)
    expect(String(write?.payload.result)).toMatch(
      /^Claude requested permissions to write to \/path\/to\/Demo\/CLAUDE.md/,
    )
  })

  it('keeps inline sidechains (1.0 sub-agents) marked, and the summary line', () => {
    const { events, info } = parseFixture(V1_SIDECHAINS)
    expect(countByType(events)).toEqual({
      Message: 103,
      FunctionCall: 62,
      LocalShellCall: 61,
      FileChange: 44,
      Other: 1,
    })
    expect(events[0]).toMatchObject({
      type: 'Other',
      name: 'summary',
      summary: 'Summary: Empty Repo Setup: CLAUDE.md Foundation Created',
    })
    expect(events.filter((event) => event.payload.sidechain)).toHaveLength(249)
    expect(events.filter((event) => event.payload.unpaired)).toEqual([])
    expect(info).toMatchObject({ title: '/orchestrator create TODO app by Next.js', eventCount: 271 })
    // Failed shell commands of 1.0 state no exit code; they are marked failed.
    const failed = events.filter((event) => event.type === 'LocalShellCall' && event.payload.isError)
    expect(failed).toHaveLength(9)
    expect(failed[0]).toMatchObject({ command: 'ls -la types/', exitCode: null, summary: '$ ls -la types/ (failed)' })
  })

  it('reads thinking blocks and Edit/Write calls of a 2.0 session; the sidechain warm-up is not the title', () => {
    const { events, info } = parseFixture(V2_POMODORO)
    expect(countByType(events)).toEqual({ Message: 15, Reasoning: 31, FunctionCall: 14, FileChange: 23 })
    expect(events.slice(0, 2).every((event) => event.payload.sidechain)).toBe(true)
    expect(info.title).toMatch(/^Build a simple Pomodoro timer web app using HTML, CSS, and JavaScript\./)
    expect(info.model).toBe('claude-sonnet-4-5-20250929')
  })

  it('reads compaction, exit codes and turn durations of a 2.1 session', () => {
    const { events, info } = parseFixture(V21_EXCERPT)
    expect(info).toMatchObject({
      sourceKey: '258c7280-ae70-4798-800f-63464d01a85d',
      branch: 'spotter-gqc',
      cliVersion: '2.1.39',
    })
    const push = events.find((event) => event.command === 'git push 2>&1')
    expect(push).toMatchObject({ exitCode: 128, summary: '$ git push 2>&1 (exit 128)' })
    expect(String(push?.payload.stdout)).toMatch(
      /^Exit code 128\nfatal: The current branch spotter-gqc has no upstream branch/,
    )
    const others = events.filter((event) => event.type === 'Other').map((event) => event.name)
    expect(others).toEqual(
      expect.arrayContaining(['compact_boundary', 'compact_summary', 'turn_duration', 'stop_hook_summary']),
    )
    expect(events.find((event) => event.name === 'turn_duration')?.durationMs).toBe(2729883)
    expect(events.find((event) => event.name === 'compact_boundary')?.summary).toBe(
      'compact boundary: Conversation compacted',
    )
    // The excerpt cuts some calls from their results: released unpaired at the next prompt or the end.
    expect(events.filter((event) => event.payload.unpaired).map((event) => event.eventKey)).toEqual([
      'toolu_01UeW27qA9GbyT6uKQgp2VCT',
      'toolu_01UzVvupiB1fZ78NXnUiPWZE',
      'toolu_01MP7XLcGvsgTN7E5MLGdM5X',
      'toolu_01JKbMKFCtndxnCL8yD5BV9v',
      'toolu_0146pXXnDmvqLKwxJ2WRpfHA',
    ])
    expect(info.errorLineCount).toBe(0)
  })

  it('keys 2.1 sub-agent files by session and agent id', () => {
    const sub = parseFixture(SUB_AGENT)
    expect(sub.info).toMatchObject({
      sourceKey: '258c7280-ae70-4798-800f-63464d01a85d:agent-a881341',
      title: expect.stringMatching(/^Sub-agent: What is the output contract for Claude Code hooks/),
      model: 'claude-sonnet-4-5-20250929',
    })
    expect(countByType(sub.events)).toEqual({ Message: 4, FunctionCall: 2 })
    expect(sub.events.every((event) => event.payload.sidechain && event.payload.agentId === 'a881341')).toBe(true)
    expect(
      sub.events
        .filter((event) => event.name === 'WebFetch')
        .every((event) => typeof event.payload.result === 'string'),
    ).toBe(true)
    const compact = parseFixture(COMPACT_AGENT)
    expect(compact.info.sourceKey).toBe('258c7280-ae70-4798-800f-63464d01a85d:agent-acompact-fffbd0')
    expect(compact.events).toHaveLength(4)
  })

  it('resumes mid-session with the same events and token totals', () => {
    const lines = readFixture(V1_SIDECHAINS).trimEnd().split('\n')
    const straight = parseFixture(V1_SIDECHAINS)
    const first = new ClaudeCodeParser()
    const emitted: TimelineEventDraft[] = []
    lines.slice(0, 200).forEach((line, index) => {
      emitted.push(...first.push(line, index + 1))
    })
    const resumed = new ClaudeCodeParser(JSON.parse(JSON.stringify(first.saveState())))
    lines.slice(200).forEach((line, index) => {
      emitted.push(...resumed.push(line, index + 201))
    })
    const end = resumed.finish()
    expect([...emitted, ...end.events]).toEqual(straight.events)
    expect(end.info).toEqual(straight.info)
  })

  it('counts a line without type and a user line without message as malformed', () => {
    const text = [
      JSON.stringify({ uuid: 'x' }),
      JSON.stringify({ type: 'user', sessionId: 's' }),
      JSON.stringify({ type: 'brand-new', sessionId: 's' }),
    ].join('\n')
    const { events, info } = parseText(new ClaudeCodeParser(), text)
    expect(info.malformedLines.map((line) => [line.lineNumber, line.reason])).toEqual([
      [1, 'entry has no `type`'],
      [2, expect.stringContaining('`user` entry does not match its schema: message:')],
    ])
    expect(events.map((event) => [event.type, event.name])).toEqual([['Other', 'brand-new']])
  })
})
