import { describe, expect, it } from 'vitest'
import { endOfDocument, newScannerState, type ScannerState, scanLine } from './json-document-scanner'

function scan(text: string, state: ScannerState = newScannerState()) {
  const fields: Record<string, unknown> = {}
  const elements: { value: unknown; line: number }[] = []
  const problems: { reason: string; line: number }[] = []
  const sink = {
    field: (key: string, value: string) => {
      fields[key] = JSON.parse(value)
    },
    element: (value: string, line: number) => elements.push({ value: JSON.parse(value), line }),
    problem: (reason: string, line: number) => problems.push({ reason, line }),
  }
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    scanLine(state, line, index + 1, sink)
  })
  endOfDocument(state, lines.length, sink)
  return { fields, elements, problems, state }
}

describe('JSON document scanner', () => {
  it('streams the messages of a pretty-printed conversation and keeps the small fields', () => {
    const document = {
      sessionId: 'abc',
      startTime: '2026-01-01T00:00:00Z',
      messages: [
        {
          id: '1',
          content: 'tricky "quotes", {braces} and [brackets] \\ backslash',
          nested: { list: [1, [2, { x: ']' }]] },
        },
        { id: '2', content: '' },
      ],
      summary: 'done',
      directories: ['/srv/app'],
      lastUpdated: '2026-01-01T01:00:00Z',
      kind: 'main',
    }
    const { fields, elements, problems } = scan(JSON.stringify(document, null, 2))
    expect(problems).toEqual([])
    expect(elements.map((element) => element.value)).toEqual(document.messages)
    expect(elements.map((element) => element.line)).toEqual([5, 20])
    expect(fields).toEqual({
      sessionId: 'abc',
      startTime: '2026-01-01T00:00:00Z',
      summary: 'done',
      directories: ['/srv/app'],
      lastUpdated: '2026-01-01T01:00:00Z',
      kind: 'main',
    })
  })

  it('reads minified documents, numbers and literals, and fields after the messages', () => {
    const text =
      '{"messages":[{"id":"a"},{"id":"b","n":-1.5e3,"ok":true,"none":null}],"sessionId":"late","extra":{"big":[1,2,3]}}'
    const { fields, elements, problems } = scan(text)
    expect(problems).toEqual([])
    expect(elements.map((element) => element.value)).toEqual([{ id: 'a' }, { id: 'b', n: -1500, ok: true, none: null }])
    expect(fields).toEqual({ sessionId: 'late' })
  })

  it('streams the items of a top-level array and of a history array', () => {
    expect(scan('[\n  {"role": "user"},\n  {"role": "model"}\n]').elements.map((element) => element.line)).toEqual([
      2, 3,
    ])
    expect(scan('{"history": [{"role": "user"}], "clientHistory": [{"role": "x"}]}').elements).toHaveLength(1)
  })

  it('survives a BOM and CRLF line ends', () => {
    const { elements, problems } = scan('\uFEFF{\r\n  "messages": [\r\n    {"id": "1"}\r\n  ]\r\n}\r')
    expect(problems).toEqual([])
    expect(elements).toHaveLength(1)
  })

  it('reports a document that never closes, at the element that was cut', () => {
    const { elements, problems } = scan('{\n  "messages": [\n    {"id": "1"},\n    {"id": "2",\n')
    expect(elements).toHaveLength(1)
    expect(problems).toEqual([{ reason: 'the JSON document ends early (the file is truncated)', line: 4 }])
  })

  it('reports text after the end of the document and input that is not JSON', () => {
    expect(scan('{"messages": []}\n{"again": 1}').problems).toEqual([
      { reason: 'text after the end of the JSON document', line: 2 },
    ])
    expect(scan('hello').problems[0].reason).toBe('expected a JSON object or array')
  })

  it('continues from a JSON round-trip of its state', () => {
    const first = scan('{\n  "sessionId": "s",\n  "messages": [\n    {"id": "1",\n')
    const state = JSON.parse(JSON.stringify(first.state)) as ScannerState
    const rest = scan('     "text": "a"},\n    {"id": "2"}\n  ]\n}', state)
    expect(rest.elements.map((element) => element.value)).toEqual([{ id: '1', text: 'a' }, { id: '2' }])
    expect(rest.problems).toEqual([])
  })
})
