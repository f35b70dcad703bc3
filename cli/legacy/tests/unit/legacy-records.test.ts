import { describe, expect, it } from 'vitest'
import { MAX_RECORD_DEPTH, validateLegacyRecord } from '../../legacy-records'

const message = {
  id: 'chat_3c1e9b42-7d0a-4f6e-b8a1-5e2f90c4d7a3',
  sessionId: 'session-default',
  mode: 'session',
  threadId: 'thread_8a2f4c10-1b3e-4d9a-9c7f-0e6b5d2a4f81',
  role: 'user',
  content: 'Why did the build fail at #42?',
  createdAt: '2025-12-18T23:45:39.444Z',
  updatedAt: '2025-12-18T23:45:39.444Z',
}

const toolEvent = {
  id: 'tool_5d8c2e17-9a4b-4f03-b6e1-3c7a0d9f2b64',
  sessionId: 'session-default',
  threadId: null,
  toolCallId: '521623447',
  toolName: 'get_timeline_event',
  arguments: { sessionId: 'session-default', eventNumber: 3 },
  status: 'executing',
  startedAt: '2025-12-18T23:48:50.124Z',
}

describe('validateLegacyRecord', () => {
  it('accepts a record of the original format unchanged, without repairs', () => {
    const result = validateLegacyRecord('messages', message)
    expect(result).toEqual({ outcome: 'valid', record: message, repairs: [] })
  })

  it('treats a record without id as skipped, like the original loader, not as invalid', () => {
    const { id: _id, ...withoutId } = message
    expect(validateLegacyRecord('messages', withoutId)).toEqual({ outcome: 'missing-id' })
    expect(validateLegacyRecord('messages', { ...message, id: '' })).toEqual({ outcome: 'missing-id' })
  })

  it('names every missing or wrong field of an invalid record, with its id', () => {
    const { role: _role, createdAt: _createdAt, ...broken } = message
    const result = validateLegacyRecord('messages', { ...broken, mode: 'chat' })
    expect(result.outcome).toBe('invalid')
    if (result.outcome !== 'invalid') return
    expect(result.id).toBe(message.id)
    expect(result.reason).toMatch(/mode/)
    expect(result.reason).toMatch(/role/)
    expect(result.reason).toMatch(/createdAt/)
  })

  it('rejects non-objects and ids of the wrong kind', () => {
    expect(validateLegacyRecord('threads', 'thread_1')).toMatchObject({
      outcome: 'invalid',
      reason: /expected an object, found string/,
    })
    expect(validateLegacyRecord('messages', { ...message, id: 'thread_abc' })).toMatchObject({
      outcome: 'invalid',
      reason: /chat_<uuid>/,
    })
    expect(validateLegacyRecord('messages', { ...message, createdAt: 'yesterday' })).toMatchObject({
      outcome: 'invalid',
      reason: /ISO 8601/,
    })
  })

  it('replaces NUL by U+FFFD everywhere, jsonb keys and values included, and reports each field', () => {
    const result = validateLegacyRecord('messages', {
      ...message,
      content: 'before\u0000after',
      evidence: [{ snippet: 'a\u0000b', label: 'ok' }],
    })
    expect(result.outcome).toBe('valid')
    if (result.outcome !== 'valid') return
    expect(result.record.content).toBe('before\uFFFDafter')
    expect(result.record.evidence?.[0].snippet).toBe('a\uFFFDb')
    expect(result.repairs).toEqual([
      { kind: 'nul-replaced', detail: 'in content' },
      { kind: 'nul-replaced', detail: 'in evidence[0].snippet' },
    ])

    const tool = validateLegacyRecord('toolEvents', { ...toolEvent, arguments: { 'k\u0000': 'v' } })
    expect(tool.outcome === 'valid' && tool.record.arguments).toEqual({ 'k\uFFFD': 'v' })
  })

  it('replaces unpaired surrogates, which have no UTF-8 form, and keeps valid emoji', () => {
    const result = validateLegacyRecord('messages', { ...message, content: 'ok 🤔 broken \ud83e end' })
    expect(result.outcome === 'valid' && result.record.content).toBe('ok 🤔 broken \uFFFD end')
    expect(result.outcome === 'valid' && result.repairs).toEqual([
      { kind: 'invalid-surrogate-replaced', detail: 'in content' },
    ])
  })

  it('rejects a NUL inside a session id instead of silently changing which session it names', () => {
    expect(validateLegacyRecord('messages', { ...message, sessionId: 'session-\u0000x' })).toMatchObject({
      outcome: 'invalid',
    })
  })

  it('reports unknown fields it drops and timestamps it normalizes', () => {
    const result = validateLegacyRecord('messages', { ...message, pending: true, createdAt: '2025-12-18T23:45:39Z' })
    expect(result.outcome === 'valid' && result.record.createdAt).toBe('2025-12-18T23:45:39.000Z')
    expect(result.outcome === 'valid' && result.repairs.map((r) => r.kind)).toEqual([
      'unknown-fields-dropped',
      'timestamp-normalized',
    ])
  })

  it('requires arguments on tool events and stores absent threadId/toolCallId as null, with a report', () => {
    const { arguments: _args, ...withoutArguments } = toolEvent
    expect(validateLegacyRecord('toolEvents', withoutArguments)).toMatchObject({
      outcome: 'invalid',
      reason: /arguments is missing/,
    })

    const { threadId: _t, toolCallId: _c, ...withoutIds } = toolEvent
    const result = validateLegacyRecord('toolEvents', withoutIds)
    expect(result.outcome === 'valid' && result.record).toMatchObject({ threadId: null, toolCallId: null })
    expect(result.outcome === 'valid' && result.repairs.map((r) => r.kind)).toEqual([
      'absent-field-set-to-null',
      'absent-field-set-to-null',
    ])
  })

  it('keeps a stale executing tool event as it was', () => {
    expect(validateLegacyRecord('toolEvents', toolEvent)).toEqual({ outcome: 'valid', record: toolEvent, repairs: [] })
  })
})

describe('validateLegacyRecord on hostile input', () => {
  it('reports __proto__ and constructor keys as unknown fields and drops them, with no prototype change', () => {
    const raw = JSON.parse(
      JSON.stringify(message).replace('{', '{"__proto__": {"polluted": true}, "constructor": "x", "toString": 1, '),
    )
    const result = validateLegacyRecord('messages', raw)
    expect(result.outcome).toBe('valid')
    if (result.outcome !== 'valid') return
    expect(result.repairs).toEqual([
      { kind: 'unknown-fields-dropped', detail: 'dropped __proto__, constructor, toString' },
    ])
    expect(result.record).toEqual(message)
    expect(Object.getPrototypeOf(result.record)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('keeps a __proto__ key inside a JSON value as data when a repair copies the object', () => {
    const raw = JSON.parse(
      JSON.stringify({ ...toolEvent, arguments: { note: 'nul \u0000 here' } }).replace(
        '"arguments":{',
        '"arguments":{"__proto__":{"polluted":true},',
      ),
    )
    const result = validateLegacyRecord('toolEvents', raw)
    if (result.outcome !== 'valid') throw new Error(`expected valid, got ${result.outcome}`)
    const args = result.record.arguments as Record<string, unknown>
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype)
    expect(Object.keys(args)).toEqual(['__proto__', 'note'])
    expect(args.note).toBe('nul \uFFFD here')
  })

  it('refuses a record nested deeper than MAX_RECORD_DEPTH, naming its id and depth', () => {
    const result = validateLegacyRecord('toolEvents', toolEvent, { depth: MAX_RECORD_DEPTH + 1 })
    expect(result).toEqual({
      outcome: 'invalid',
      id: toolEvent.id,
      reason: `(record) is nested ${MAX_RECORD_DEPTH + 1} levels deep; the import accepts at most ${MAX_RECORD_DEPTH} levels`,
    })
    expect(validateLegacyRecord('toolEvents', toolEvent, { depth: MAX_RECORD_DEPTH }).outcome).toBe('valid')
  })

  it('reports bytes that were not UTF-8 as a fix, with where the first one was', () => {
    const result = validateLegacyRecord('messages', message, {
      depth: 1,
      invalidUtf8: { sequences: 3, firstOffset: 1234 },
    })
    expect(result).toMatchObject({
      outcome: 'valid',
      repairs: [
        {
          kind: 'invalid-utf8-replaced',
          detail: '3 byte sequences not valid UTF-8, the first at byte 1234 of the file',
        },
      ],
    })
  })
})
