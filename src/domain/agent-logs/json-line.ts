/**
 * Reading one log line as JSON without ever throwing: a failure comes back with a reason a
 * person can act on, and the caller counts the line as malformed.
 */
import { MAX_LINE_LENGTH } from './limits'

export type JsonLineResult = { ok: true; value: unknown } | { ok: false; reason: string } | { ok: 'blank' }

export function readJsonLine(line: string): JsonLineResult {
  if (line.length > MAX_LINE_LENGTH) {
    const megabytes = (line.length / (1024 * 1024)).toFixed(1)
    return { ok: false, reason: `line is ${megabytes} MB, over the ${MAX_LINE_LENGTH / (1024 * 1024)} MB limit` }
  }
  // A BOM on the first line and a CR from CRLF files are transport noise, not content.
  let text = line
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1)
  if (!/\S/.test(text)) return { ok: 'blank' }
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    const truncated = /Unexpected end of JSON input|Unterminated string/i.test(detail)
    return {
      ok: false,
      reason: truncated ? `invalid JSON (the line ends early: ${detail})` : `invalid JSON: ${detail}`,
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
