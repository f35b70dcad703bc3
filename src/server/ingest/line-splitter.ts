/**
 * Bytes → text lines, for logs of any size: a line is decoded only once its end is seen, so memory
 * is bounded by the longest line (itself capped). Used by uploads (the request body) and by the
 * tail (file reads from an offset), which is why it is push-based and reports byte offsets.
 */
import { NUL_REPLACEMENT } from '~/domain/storable-text'

/** A line longer than this is not decoded or parsed; it is counted as malformed and skipped. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

export interface SplitLine {
  /** 1-based line number in the file. */
  lineNumber: number
  /** The line without its line break (and without a trailing CR); NUL already replaced. */
  text: string
  /** Why the line cannot be used as it is; its text is then empty or repaired. */
  problem?: 'too-long' | 'invalid-utf8'
  /** Bytes of the line including its line break. */
  byteLength: number
}

const NEWLINE = 0x0a
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false })

export class LineSplitter {
  private pieces: Uint8Array[] = []
  private pendingBytes = 0
  private overlong = false
  private nextLineNumber: number

  /** `firstLineNumber` > 1 when continuing a file from a saved offset. */
  constructor(firstLineNumber = 1) {
    this.nextLineNumber = firstLineNumber
  }

  /** Bytes held for a line whose end has not arrived yet. */
  get bufferedBytes() {
    return this.pendingBytes
  }

  /** Splits `chunk`; returns the lines it completed. */
  push(chunk: Uint8Array): SplitLine[] {
    const lines: SplitLine[] = []
    let start = 0
    while (start < chunk.length) {
      const end = chunk.indexOf(NEWLINE, start)
      if (end === -1) {
        this.hold(chunk.subarray(start))
        break
      }
      if (this.pendingBytes === 0) {
        // The whole line is in this chunk (the common case): decoded in place, never copied.
        lines.push(this.lineFrom(chunk.subarray(start, end + 1)))
      } else {
        this.hold(chunk.subarray(start, end + 1))
        lines.push(this.takeLine())
      }
      start = end + 1
    }
    return lines
  }

  /**
   * End of input: the last line when the file does not end with a line break. A tail must not call
   * this while the writer may still finish the line; it keeps the partial line for the next read.
   */
  end(): SplitLine | undefined {
    if (this.pendingBytes === 0) return undefined
    return this.takeLine()
  }

  private hold(bytes: Uint8Array) {
    if (bytes.length === 0) return
    this.pendingBytes += bytes.length
    if (this.overlong) return
    if (this.pendingBytes > MAX_LINE_BYTES) {
      // Drop what we hold and only count the rest: a runaway line must not exhaust memory.
      this.overlong = true
      this.pieces = []
      return
    }
    // Copy: the caller may reuse its buffer for the next read. (Not `bytes.slice()`: on a Buffer
    // that is a view of the same memory.)
    this.pieces.push(new Uint8Array(bytes))
  }

  private takeLine(): SplitLine {
    const byteLength = this.pendingBytes
    const overlong = this.overlong
    const pieces = this.pieces
    this.pieces = []
    this.pendingBytes = 0
    this.overlong = false
    if (overlong) return { lineNumber: this.nextLineNumber++, text: '', problem: 'too-long', byteLength }
    return this.lineFrom(pieces.length === 1 ? pieces[0] : Buffer.concat(pieces))
  }

  /** One whole line's bytes (line break included), decoded before the caller can reuse them. */
  private lineFrom(bytes: Uint8Array): SplitLine {
    const lineNumber = this.nextLineNumber++
    const byteLength = bytes.length
    if (byteLength > MAX_LINE_BYTES) return { lineNumber, text: '', problem: 'too-long', byteLength }
    let length = bytes.length
    if (length > 0 && bytes[length - 1] === NEWLINE) length--
    if (length > 0 && bytes[length - 1] === 0x0d) length--
    const view = bytes.subarray(0, length)
    let text: string
    let problem: SplitLine['problem']
    try {
      text = strictDecoder.decode(view)
    } catch {
      // Keep the line: the damaged bytes become U+FFFD and the rest is still readable.
      text = lenientDecoder.decode(view)
      problem = 'invalid-utf8'
    }
    if (text.includes('\u0000')) text = text.replaceAll('\u0000', NUL_REPLACEMENT)
    return problem ? { lineNumber, text, problem, byteLength } : { lineNumber, text, byteLength }
  }
}
