/**
 * Splits the bytes of a top-level JSON array into the text of its elements, chunk by chunk, and
 * leaves parsing each element to JSON.parse. A token-level streaming parser is several times
 * slower on large files; here only structure is scanned, byte by byte: UTF-8 continuation bytes
 * are never ASCII, so `"`, `\`, brackets and commas can be recognised without decoding.
 */

export class JsonArraySyntaxError extends Error {
  constructor(
    message: string,
    /** What the top level is when it is not an array ("an object", "null", …). */
    readonly topLevel?: string,
  ) {
    super(message)
    this.name = 'JsonArraySyntaxError'
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const isWhitespace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09

/** What a top level that is not an array is, from its first byte. */
function describeTopLevel(byte: number): string | undefined {
  if (byte === OPEN_BRACE) return 'an object'
  if (byte === QUOTE) return 'a string'
  if (byte === 0x6e) return 'null'
  if (byte === 0x74) return 'true'
  if (byte === 0x66) return 'false'
  if (byte === 0x2d || (byte >= 0x30 && byte <= 0x39)) return 'a number'
  return undefined
}

type State = 'start' | 'first-element' | 'next-element' | 'element' | 'end'

/** One array element, not yet decoded: decoding (and checking the UTF-8) is the caller's part. */
export interface JsonArrayElement {
  bytes: Buffer
  /** Byte offset of the element's first byte in the whole input. */
  offset: number
  /** Deepest nesting of objects and arrays; an object element is 1, a scalar 0. */
  depth: number
}

export class JsonArraySplitter {
  private state: State = 'start'
  private depth = 0
  private inString = false
  private escaped = false
  private pieces: Buffer[] = []
  private atFileStart = true
  /** Bytes of the chunks before the current one. */
  private consumed = 0
  private elementOffset = 0
  private elementDepth = 0

  /** Calls `onElement` with each element completed within this chunk. */
  push(chunk: Buffer, onElement: (element: JsonArrayElement) => void) {
    let start = 0
    if (this.atFileStart) {
      this.atFileStart = false
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3
    }
    let elementStart = this.state === 'element' ? 0 : -1
    for (let i = start; i < chunk.length; i++) {
      const byte = chunk[i]
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false
          continue
        }
        // Jump to the next quote (native search) and decide by the parity of the backslashes before it.
        const quote = chunk.indexOf(QUOTE, i)
        const end = quote === -1 ? chunk.length : quote
        let backslashes = 0
        while (end - backslashes - 1 >= i && chunk[end - backslashes - 1] === BACKSLASH) backslashes++
        if (quote === -1) {
          this.escaped = backslashes % 2 === 1
          i = chunk.length
        } else {
          if (backslashes % 2 === 0) this.inString = false
          i = quote
        }
        continue
      }
      switch (this.state) {
        case 'start':
          if (isWhitespace(byte)) continue
          if (byte !== OPEN_BRACKET) {
            const found = describeTopLevel(byte)
            throw new JsonArraySyntaxError(found ? 'the top level is not an array' : 'unexpected character', found)
          }
          this.state = 'first-element'
          continue
        case 'first-element':
        case 'next-element':
          if (isWhitespace(byte)) continue
          if (byte === CLOSE_BRACKET && this.state === 'first-element') {
            this.state = 'end'
            continue
          }
          if (byte === COMMA || byte === CLOSE_BRACKET) throw new JsonArraySyntaxError('expected a value')
          this.state = 'element'
          this.depth = 0
          this.elementDepth = 0
          this.elementOffset = this.consumed + i
          elementStart = i
          i--
          continue
        case 'element':
          if (byte === QUOTE) this.inString = true
          else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
            if (++this.depth > this.elementDepth) this.elementDepth = this.depth
          } else if ((byte === COMMA && this.depth === 0) || (byte === CLOSE_BRACKET && this.depth === 0)) {
            this.pieces.push(chunk.subarray(elementStart, i))
            onElement({ bytes: Buffer.concat(this.pieces), offset: this.elementOffset, depth: this.elementDepth })
            this.pieces = []
            this.state = byte === COMMA ? 'next-element' : 'end'
          } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) this.depth--
          continue
        case 'end':
          if (!isWhitespace(byte)) throw new JsonArraySyntaxError('unexpected characters after the array')
      }
    }
    if (this.state === 'element') this.pieces.push(chunk.subarray(elementStart))
    this.consumed += chunk.length
  }

  /** Throws when the input stopped before the array was closed. */
  finish() {
    if (this.state !== 'end') throw new JsonArraySyntaxError('unexpected end of the file')
  }
}
