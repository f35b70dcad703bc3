/**
 * Gemini CLI wrote (and for older sessions still has) whole-file, pretty-printed JSON. Parsing
 * the file in one go would need it all in memory, so this scanner reads the document line by
 * line and hands over one array element at a time: the items of a top-level array, or of the
 * `messages` / `history` array of a top-level object, plus a few small top-level fields. Memory
 * is bounded by the largest single element (capped at MAX_LINE_LENGTH). Its state is plain JSON
 * so a parser holding it can be saved and resumed.
 */
import { MAX_LINE_LENGTH } from '~/domain/agent-logs/limits'

/** Arrays whose items are streamed one by one. */
const STREAMED_ARRAYS = new Set(['messages', 'history'])
/** Top-level fields worth keeping (all small); the others are skipped without being buffered. */
const KEPT_FIELDS = new Set(['sessionId', 'projectHash', 'startTime', 'lastUpdated', 'kind', 'summary', 'directories'])

export interface ScannerSink {
  field(key: string, text: string, lineNumber: number): void
  element(text: string, lineNumber: number): void
  problem(reason: string, lineNumber: number): void
}

interface Capture {
  depth: number
  scalar: boolean
  key: string | null
  startLine: number
  text: string
  tooLong: boolean
  /** Skipped values are scanned for their end but not kept. */
  keep: boolean
}

export interface ScannerState {
  depth: number
  top: 'object' | 'array' | null
  inString: boolean
  escaped: boolean
  expect: 'key' | 'colon' | 'value' | 'comma'
  readingKey: boolean
  key: string
  streamDepth: number | null
  capture: Capture | null
  done: boolean
}

export function newScannerState(): ScannerState {
  return {
    depth: 0,
    top: null,
    inString: false,
    escaped: false,
    expect: 'key',
    readingKey: false,
    key: '',
    streamDepth: null,
    capture: null,
    done: false,
  }
}

/** Feeds one line (its line break is implied) into the scanner. */
export function scanLine(state: ScannerState, line: string, lineNumber: number, sink: ScannerSink) {
  let captureFrom = 0
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (state.done) {
      if (!/\s/.test(char)) {
        sink.problem('text after the end of the JSON document', lineNumber)
        return
      }
      continue
    }
    if (state.inString) {
      if (state.escaped) state.escaped = false
      else if (char === '\\') state.escaped = true
      else if (char === '"') {
        state.inString = false
        if (state.readingKey) {
          state.readingKey = false
          state.expect = 'colon'
          continue
        }
        const capture = state.capture
        if (capture?.scalar && state.depth === capture.depth) {
          finishCapture(state, line.slice(captureFrom, index + 1), sink)
        }
        continue
      }
      if (state.readingKey) state.key += char
      continue
    }
    if (char === ' ' || char === '\t' || char === '\r') {
      if (state.capture?.scalar && state.depth === state.capture.depth) {
        finishCapture(state, line.slice(captureFrom, index), sink)
      }
      continue
    }
    // A number/literal ends at the first structural character after it.
    if (
      state.capture?.scalar &&
      state.depth === state.capture.depth &&
      (char === ',' || char === '}' || char === ']')
    ) {
      finishCapture(state, line.slice(captureFrom, index), sink)
    }
    if (state.depth === 0) {
      if (char === '\uFEFF') continue
      if (char === '{' || char === '[') {
        state.top = char === '{' ? 'object' : 'array'
        state.depth = 1
        state.expect = 'key'
        if (char === '[') state.streamDepth = 1
        continue
      }
      sink.problem('expected a JSON object or array', lineNumber)
      return
    }
    const atTopObject = state.top === 'object' && state.depth === 1
    if (atTopObject && state.expect === 'key' && char === '"') {
      state.readingKey = true
      state.inString = true
      state.key = ''
      continue
    }
    if (atTopObject && state.expect === 'colon' && char === ':') {
      state.expect = 'value'
      continue
    }
    if (atTopObject && char === ',') {
      state.expect = 'key'
      continue
    }
    const startsTopValue = atTopObject && state.expect === 'value'
    const startsElement =
      state.streamDepth !== null && state.depth === state.streamDepth && state.capture === null && char !== ','
    if (startsTopValue && STREAMED_ARRAYS.has(state.key) && char === '[') {
      state.expect = 'comma'
      state.depth++
      state.streamDepth = state.depth
      continue
    }
    if ((startsTopValue || startsElement) && char !== '}' && char !== ']') {
      if (startsTopValue) state.expect = 'comma'
      state.capture = {
        depth: state.depth,
        scalar: char !== '{' && char !== '[',
        key: startsTopValue ? state.key : null,
        startLine: lineNumber,
        text: '',
        tooLong: false,
        keep: startsElement || KEPT_FIELDS.has(state.key),
      }
      captureFrom = index
    }
    if (char === '"') {
      state.inString = true
      continue
    }
    if (char === '{' || char === '[') {
      state.depth++
      continue
    }
    if (char === '}' || char === ']') {
      if (state.streamDepth !== null && state.depth === state.streamDepth && state.capture === null) {
        state.streamDepth = null
      }
      state.depth--
      if (state.capture && !state.capture.scalar && state.depth === state.capture.depth) {
        finishCapture(state, line.slice(captureFrom, index + 1), sink)
      }
      if (state.depth === 0) state.done = true
    }
  }
  const capture = state.capture
  if (capture) appendToCapture(capture, `${line.slice(captureFrom)}\n`)
}

/** Call at end of input: a document that never closed was cut off. */
export function endOfDocument(state: ScannerState, lastLineNumber: number, sink: ScannerSink) {
  if (state.top !== null && !state.done) {
    sink.problem('the JSON document ends early (the file is truncated)', state.capture?.startLine ?? lastLineNumber)
  }
}

function appendToCapture(capture: Capture, text: string) {
  if (!capture.keep || capture.tooLong) return
  if (capture.text.length + text.length > MAX_LINE_LENGTH) {
    capture.tooLong = true
    capture.text = ''
    return
  }
  capture.text += text
}

function finishCapture(state: ScannerState, tail: string, sink: ScannerSink) {
  const capture = state.capture
  if (!capture) return
  state.capture = null
  appendToCapture(capture, tail)
  if (!capture.keep) return
  if (capture.tooLong) {
    sink.problem(`element is over the ${MAX_LINE_LENGTH / (1024 * 1024)} MB limit`, capture.startLine)
    return
  }
  if (capture.key !== null) sink.field(capture.key, capture.text, capture.startLine)
  else sink.element(capture.text, capture.startLine)
}
