/**
 * Bad input through the shared line machinery (exercised with the Codex parser): nothing here
 * may throw or stop the parse.
 */
import { describe, expect, it } from 'vitest'
import { CodexParser } from './codex/parser'
import { MAX_HELD_EVENTS, MAX_LINE_LENGTH, MAX_PAYLOAD_STRING_LENGTH } from './limits'
import { parseText } from './test-helpers'

const envelope = (timestamp: string, payload: Record<string, unknown>) =>
  JSON.stringify({ timestamp, type: 'response_item', payload })
const userMessage = (text: string) =>
  envelope('2026-01-01T10:00:00Z', { type: 'message', role: 'user', content: [{ type: 'input_text', text }] })
const shellCall = (callId: string, cmd: string) =>
  envelope('2026-01-01T10:00:01Z', {
    type: 'function_call',
    name: 'exec_command',
    arguments: JSON.stringify({ cmd }),
    call_id: callId,
  })
const shellOutput = (callId: string, output: string) =>
  envelope('2026-01-01T10:00:02Z', {
    type: 'function_call_output',
    call_id: callId,
    output: JSON.stringify({ output, metadata: { exit_code: 0, duration_seconds: 1 } }),
  })

describe('malformed input', () => {
  it('counts a truncated last line and keeps everything before it', () => {
    const full = userMessage('hello')
    const text = `${full}\n${full.slice(0, 40)}`
    const { events, info } = parseText(new CodexParser(), text)
    expect(events).toHaveLength(1)
    expect(info.errorLineCount).toBe(1)
    expect(info.malformedLines[0]).toMatchObject({ lineNumber: 2, reason: expect.stringContaining('ends early') })
  })

  it('counts lines that are not JSON objects', () => {
    const { events, info } = parseText(new CodexParser(), ['not json', '42', '[1,2]', '', userMessage('ok')].join('\n'))
    expect(events).toHaveLength(1)
    expect(info.errorLineCount).toBe(3)
    expect(info.malformedLines.map((line) => line.lineNumber)).toEqual([1, 2, 3])
    expect(info.malformedLines[1].reason).toBe('expected a JSON object')
    expect(info.linesRead).toBe(4)
  })

  it('replaces NUL characters with U+FFFD everywhere', () => {
    const { events, info } = parseText(new CodexParser(), userMessage('before\u0000after'))
    expect(events[0].payload.content).toBe('before\uFFFDafter')
    expect(events[0].summary).toBe('User: before\uFFFDafter')
    expect(info.title).toBe('before\uFFFDafter')
    expect(JSON.stringify(events)).not.toContain('\\u0000')
  })

  it('parses a 10 MB line and caps its payload', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024)
    const text = [shellCall('call_big', 'cat big.log'), shellOutput('call_big', huge)].join('\n')
    const { events, info } = parseText(new CodexParser(), text)
    expect(info.errorLineCount).toBe(0)
    expect(events).toHaveLength(1)
    const stdout = events[0].payload.stdout as string
    expect(stdout.startsWith('x'.repeat(MAX_PAYLOAD_STRING_LENGTH))).toBe(true)
    expect(stdout).toMatch(/… \[10452992 more characters\]$/)
    expect(JSON.stringify(events[0]).length).toBeLessThan(300 * 1024)
  })

  it('refuses a line over the line limit without parsing it', () => {
    const tooLong = `{"x":"${'y'.repeat(MAX_LINE_LENGTH)}"}`
    const parser = new CodexParser()
    expect(parser.push(tooLong, 1)).toEqual([])
    expect(parser.info().malformedLines[0]).toMatchObject({
      lineNumber: 1,
      reason: 'line is 16.0 MB, over the 16 MB limit',
    })
    expect(parser.info().malformedLines[0].excerpt.length).toBeLessThanOrEqual(200)
  })

  it('flushes calls that never got an output at the end, unpaired', () => {
    const text = [userMessage('run it'), shellCall('call_lost', 'sleep 100')].join('\n')
    const parser = new CodexParser()
    const lines = text.split('\n')
    expect(parser.push(lines[0], 1)).toHaveLength(1)
    // The call waits for its output, and so does everything after it.
    expect(parser.push(lines[1], 2)).toEqual([])
    expect(parser.push(userMessage('next'), 3)).toEqual([])
    const end = parser.finish()
    expect(end.events.map((event) => [event.ordinal, event.type, event.command])).toEqual([
      [1, 'LocalShellCall', 'sleep 100'],
      [2, 'Message', null],
    ])
    expect(end.events[0].exitCode).toBeNull()
    expect(end.events[0].payload.unpaired).toBe(true)
    expect(end.events[1].payload.unpaired).toBeUndefined()
    expect(end.info.eventCount).toBe(3)
  })

  it('releases calls of an interrupted turn when the next prompt arrives', () => {
    const parser = new CodexParser()
    expect(parser.push(shellCall('call_interrupted', 'npm run dev'), 1)).toEqual([])
    const prompt = JSON.stringify({
      timestamp: '2026-01-01T10:01:00Z',
      type: 'event_msg',
      payload: { type: 'user_message', message: 'stop, do something else' },
    })
    const released = parser.push(prompt, 2)
    expect(released).toHaveLength(1)
    expect(released[0]).toMatchObject({ command: 'npm run dev', payload: expect.objectContaining({ unpaired: true }) })
  })

  it('keeps an output whose call never appeared as its own event', () => {
    const { events } = parseText(new CodexParser(), shellOutput('call_orphan', 'done'))
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ type: 'FunctionCall', eventKey: 'call_orphan' })
    expect(events[0].payload).toMatchObject({ unpaired: true })
  })

  it('releases the oldest waiting call when too many events are held', () => {
    const parser = new CodexParser()
    parser.push(shellCall('call_stuck', 'tail -f log'), 1)
    const released = []
    for (let line = 2; line <= MAX_HELD_EVENTS + 2; line++) released.push(...parser.push(userMessage(`m${line}`), line))
    expect(released.length).toBeGreaterThan(0)
    expect(released[0]).toMatchObject({ ordinal: 0, type: 'LocalShellCall', command: 'tail -f log' })
    expect(released[0].payload.unpaired).toBe(true)
    // Its output arrives too late to pair and is kept on its own.
    const late = parser.push(shellOutput('call_stuck', 'late'), MAX_HELD_EVENTS + 3)
    expect(late.at(-1)?.payload).toMatchObject({ unpaired: true })
  })
})

describe('resuming a tail', () => {
  it('continues from saved state exactly as an uninterrupted parse', () => {
    const lines = [
      userMessage('first'),
      shellCall('call_a', 'npm test'),
      shellOutput('call_a', 'ok'),
      userMessage('second'),
      shellCall('call_b', 'git status'),
      shellOutput('call_b', 'clean'),
    ]
    const straight = parseText(new CodexParser(), lines.join('\n'))

    const before = new CodexParser()
    const emitted = [...before.push(lines[0], 1), ...before.push(lines[1], 2)]
    const saved = JSON.parse(JSON.stringify(before.saveState()))
    expect(saved).toMatchObject({ format: 'codex', nextOrdinal: 1, lastLineNumber: 2 })

    const after = new CodexParser(saved)
    for (let index = 2; index < lines.length; index++) emitted.push(...after.push(lines[index], index + 1))
    const end = after.finish()
    expect([...emitted, ...end.events]).toEqual(straight.events)
    expect(end.info).toEqual(straight.info)
  })

  it('refuses state written by another parser', () => {
    const state = { ...new CodexParser().saveState(), format: 'claude-code' as const }
    expect(() => new CodexParser(state)).toThrow('Cannot resume a codex parser from claude-code state')
  })
})
