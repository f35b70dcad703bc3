import { describe, expect, it } from 'vitest'
import { countByType, parseText, readFixture } from '~/domain/agent-logs/test-helpers'
import type { TimelineEventDraft } from '~/domain/agent-logs/types'
import { GeminiCliParser } from './parser'

const JSONL = 'gemini-cli/session-2026-04-23T12-52-0ab84937.jsonl'
const LEGACY_2026 = 'gemini-cli/session-2026-03-26T04-30-209f5a02.json'
const LEGACY_2025 = 'gemini-cli/session-2025-10-11T11-58-d6f69999.json'

const parseFixture = (path: string) => parseText(new GeminiCliParser(), readFixture(path))

describe('Gemini CLI JSONL chat files', () => {
  it('reads the header, the typed prompt as title, the latest model and summed tokens', () => {
    const { info } = parseFixture(JSONL)
    expect(info).toMatchObject({
      origin: 'gemini-cli',
      sourceKey: '0ab84937-9fe7-4284-986a-33c832af0b6a',
      title: '/init',
      model: 'gemini-3.1-pro-preview',
      startedAt: '2026-04-23T12:52:52.759Z',
      lastEventAt: '2026-04-23T12:58:35.591Z',
      inputTokens: 202586,
      cachedInputTokens: 48951,
      outputTokens: 2152,
      reasoningTokens: 2141,
      errorLineCount: 0,
      linesRead: 28,
    })
  })

  it('keeps only the last record of a re-appended message, so tool calls appear once', () => {
    const { events } = parseFixture(JSONL)
    expect(countByType(events)).toEqual({ Message: 5, Reasoning: 7, FunctionCall: 10, FileChange: 2, Other: 2 })
    const names = events.filter((event) => event.type === 'FunctionCall').map((event) => event.name)
    expect(names.filter((name) => name === 'update_topic')).toHaveLength(3)
    expect(names.filter((name) => name === 'read_file')).toHaveLength(7)
    const written = events.find((event) => event.type === 'FileChange' && event.name === 'write_file')
    expect(written).toMatchObject({ path: 'GEMINI.md', eventKey: '4o2js0r9', at: '2026-04-23T12:53:29.832Z' })
    expect(written?.payload.diff).toMatch(/^Index: GEMINI.md/)
    expect(events.at(-1)).toMatchObject({ type: 'Other', name: 'info', summary: 'info: Request cancelled.' })
  })

  it('shows the read_file target in the summary', () => {
    const { events } = parseFixture(JSONL)
    expect(events.find((event) => event.name === 'read_file')?.summary).toBe('read_file README.md')
  })

  it('holds the newest message back until another one follows, and flushes it on finish', () => {
    const lines = readFixture(JSONL).split('\n')
    const parser = new GeminiCliParser()
    const upToLine6: TimelineEventDraft[] = []
    for (let index = 0; index < 6; index++) upToLine6.push(...parser.push(lines[index], index + 1))
    // Line 6 is the streaming version of a gemini message; it is re-appended with its tool calls at line 8.
    expect(upToLine6.map((event) => event.type)).toEqual(['Other', 'Message'])
    const atLine9 = [...parser.push(lines[6], 7), ...parser.push(lines[7], 8), ...parser.push(lines[8], 9)]
    expect(atLine9.map((event) => event.name ?? event.type)).toEqual([
      'Reasoning',
      'update_topic',
      'read_file',
      'read_file',
      'read_file',
      'read_file',
    ])
  })

  it('adds only what is new when a message grows after a flush (live tail)', () => {
    const lines = readFixture(JSONL).trimEnd().split('\n')
    const straight = parseFixture(JSONL)
    const parser = new GeminiCliParser()
    const emitted: TimelineEventDraft[] = []
    lines.forEach((line, index) => {
      emitted.push(...parser.push(line, index + 1))
      // The tail goes idle after every line and releases what the parser holds.
      emitted.push(...parser.flush())
    })
    const end = parser.finish()
    const shape = (event: TimelineEventDraft) => [event.type, event.name, event.eventKey, event.summary]
    expect([...emitted, ...end.events].map(shape)).toEqual(straight.events.map(shape))
    expect(end.info).toMatchObject({
      inputTokens: straight.info.inputTokens,
      cachedInputTokens: straight.info.cachedInputTokens,
      outputTokens: straight.info.outputTokens,
      reasoningTokens: straight.info.reasoningTokens,
      eventCount: straight.info.eventCount,
    })
  })

  it('keeps a rewind marker as an Other event', () => {
    const text = [
      JSON.stringify({
        sessionId: 's-1',
        projectHash: 'h',
        startTime: '2026-05-01T10:00:00Z',
        lastUpdated: 'x',
        kind: 'main',
      }),
      JSON.stringify({ id: 'u1', timestamp: '2026-05-01T10:00:01Z', type: 'user', content: [{ text: 'first try' }] }),
      JSON.stringify({ $rewindTo: 'u1' }),
      JSON.stringify({ id: 'u2', timestamp: '2026-05-01T10:00:05Z', type: 'user', content: 'second try' }),
    ].join('\n')
    const { events, info } = parseText(new GeminiCliParser(), text)
    expect(events.map((event) => event.summary)).toEqual([
      'User: first try',
      'Rewound to message u1',
      'User: second try',
    ])
    expect(info).toMatchObject({ sourceKey: 's-1', title: 'first try' })
  })
})

describe('Gemini CLI legacy JSON chat files (streamed, not loaded whole)', () => {
  it('reads the 2026 file with shell, grep, read, write and replace calls', () => {
    const { events, info } = parseFixture(LEGACY_2026)
    expect(countByType(events)).toEqual({
      Message: 49,
      Reasoning: 108,
      LocalShellCall: 18,
      FunctionCall: 18,
      FileChange: 8,
      Other: 10,
    })
    expect(info).toMatchObject({
      sourceKey: '209f5a02-005a-47f8-a0f9-a959f14ca9e7',
      title: 'hello',
      model: 'gemini-3-flash-preview',
      startedAt: '2026-03-26T04:30:11.995Z',
      inputTokens: 1735904,
      cachedInputTokens: 1604238,
      outputTokens: 4189,
      reasoningTokens: 20518,
      errorLineCount: 0,
      eventCount: 211,
    })
    expect(events.filter((event) => event.type === 'Other' && event.name === 'error')).toHaveLength(3)
  })

  it('gives shell calls their command and exit code', () => {
    const { events } = parseFixture(LEGACY_2026)
    const shells = events.filter((event) => event.type === 'LocalShellCall')
    expect(shells[0]).toMatchObject({
      command: 'export PYTHONPATH=$PYTHONPATH:$(pwd)/django_repo && python3 reproduce_bug.py',
      exitCode: 0,
      eventKey: 'run_shell_command_1774499617866_0',
    })
    expect(shells.find((event) => event.command === 'pip install sqlparse')?.exitCode).toBe(1)
    expect(shells.map((event) => event.exitCode).filter((code) => code !== 0)).toEqual([1, 1, 1, 1, 1, 127, 1])
    const replace = events.find((event) => event.type === 'FileChange' && event.name === 'replace')
    expect(replace).toMatchObject({ path: 'reproduce_bug.py' })
  })

  it('emits messages while the document is still being read', () => {
    const lines = readFixture(LEGACY_2026).split('\n')
    const parser = new GeminiCliParser()
    let emitted = 0
    for (let index = 0; index < 40; index++) emitted += parser.push(lines[index], index + 1).length
    expect(emitted).toBeGreaterThan(0)
  })

  it('reads the 2025 file (string content, thoughts, no tool calls)', () => {
    const { events, info } = parseFixture(LEGACY_2025)
    expect(countByType(events)).toEqual({ Message: 12, Reasoning: 29 })
    expect(info).toMatchObject({
      sourceKey: 'd6f69999-62cc-4d41-8de4-9a85fc1531b8',
      model: 'gemini-2.5-pro',
      inputTokens: 388878,
      outputTokens: 4422,
    })
    expect(info.title?.startsWith('專案經過了多輪跌代 可能會產生 - 為了向後兼容產生的代碼')).toBe(true)
    expect(info.title?.length).toBeLessThanOrEqual(120)
  })

  it('resumes in the middle of the document from saved state', () => {
    const lines = readFixture(LEGACY_2026).split('\n')
    const straight = parseFixture(LEGACY_2026)
    const first = new GeminiCliParser()
    const emitted: TimelineEventDraft[] = []
    for (let index = 0; index < 1200; index++) emitted.push(...first.push(lines[index], index + 1))
    const resumed = new GeminiCliParser(JSON.parse(JSON.stringify(first.saveState())))
    for (let index = 1200; index < lines.length; index++) {
      if (index === lines.length - 1 && lines[index] === '') break
      emitted.push(...resumed.push(lines[index], index + 1))
    }
    const end = resumed.finish()
    expect([...emitted, ...end.events]).toEqual(straight.events)
  })

  it('reports a truncated document once, keeping what was complete', () => {
    const lines = readFixture(LEGACY_2025).split('\n').slice(0, 100)
    const { events, info } = parseText(new GeminiCliParser(), lines.join('\n'))
    expect(events.length).toBeGreaterThan(0)
    expect(info.errorLineCount).toBe(1)
    expect(info.malformedLines[0].reason).toBe('the JSON document ends early (the file is truncated)')
  })
})

describe('Gemini CLI checkpoints', () => {
  const history = [
    { role: 'user', parts: [{ text: 'Run the tests' }] },
    {
      role: 'model',
      parts: [
        { text: 'Thinking about it', thought: true },
        { functionCall: { id: 'c1', name: 'run_shell_command', args: { command: 'npm test' } } },
      ],
    },
    {
      role: 'user',
      parts: [
        {
          functionResponse: {
            id: 'c1',
            name: 'run_shell_command',
            response: { output: 'Output: 3 passed\nExit Code: 1' },
          },
        },
      ],
    },
    { role: 'model', parts: [{ text: 'One suite failed.' }] },
  ]

  it('reads a /chat save file (a JSON array of contents), pairing calls with responses', () => {
    const { events, info } = parseText(new GeminiCliParser(), JSON.stringify(history, null, 2))
    expect(events.map((event) => event.type)).toEqual(['Message', 'Reasoning', 'LocalShellCall', 'Message'])
    expect(events[2]).toMatchObject({ command: 'npm test', exitCode: 1, eventKey: 'c1' })
    expect(info).toMatchObject({ sourceKey: null, title: 'Run the tests', errorLineCount: 0 })
  })

  it('reads a /restore checkpoint ({history, clientHistory, …}) from its history only', () => {
    const checkpoint = { history, clientHistory: history, commitHash: 'abc', toolCall: { name: 'replace' } }
    const { events } = parseText(new GeminiCliParser(), JSON.stringify(checkpoint, null, 2))
    expect(events).toHaveLength(4)
  })
})
