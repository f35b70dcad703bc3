/**
 * Finds the byte sequences that are not valid UTF-8, the ones a decoder replaces by U+FFFD. Node
 * decodes them silently; the import reports each record that had any (`invalid-utf8-replaced`).
 * Follows the WHATWG decoder's "maximal subpart" rule, so the count equals the number of U+FFFD
 * that `buffer.toString('utf8')` inserts.
 */
import { isUtf8 } from 'node:buffer'

export interface InvalidUtf8 {
  /** How many sequences were replaced by U+FFFD. */
  sequences: number
  /** Offset of the first one, relative to the start of the bytes checked. */
  firstOffset: number
}

/** Length of the sequence a lead byte starts (0: not a lead byte) and the allowed second-byte range. */
function leadByte(byte: number): { length: number; low: number; high: number } {
  if (byte >= 0xc2 && byte <= 0xdf) return { length: 2, low: 0x80, high: 0xbf }
  if (byte === 0xe0) return { length: 3, low: 0xa0, high: 0xbf }
  if (byte === 0xed) return { length: 3, low: 0x80, high: 0x9f }
  if (byte >= 0xe1 && byte <= 0xef) return { length: 3, low: 0x80, high: 0xbf }
  if (byte === 0xf0) return { length: 4, low: 0x90, high: 0xbf }
  if (byte >= 0xf1 && byte <= 0xf3) return { length: 4, low: 0x80, high: 0xbf }
  if (byte === 0xf4) return { length: 4, low: 0x80, high: 0x8f }
  return { length: 0, low: 0, high: 0 }
}

/** `undefined` when every byte is valid UTF-8 (checked natively first: the common case costs little). */
export function findInvalidUtf8(bytes: Uint8Array): InvalidUtf8 | undefined {
  if (isUtf8(bytes)) return undefined
  let sequences = 0
  let firstOffset = -1
  let i = 0
  while (i < bytes.length) {
    const byte = bytes[i]
    if (byte < 0x80) {
      i++
      continue
    }
    const lead = leadByte(byte)
    let valid = 1
    while (lead.length > 0 && valid < lead.length) {
      const next = bytes[i + valid]
      const [low, high] = valid === 1 ? [lead.low, lead.high] : [0x80, 0xbf]
      if (next === undefined || next < low || next > high) break
      valid++
    }
    if (lead.length > 0 && valid === lead.length) {
      i += valid
      continue
    }
    if (firstOffset === -1) firstOffset = i
    sequences++
    // The maximal subpart (the lead byte plus the continuation bytes that fit) becomes one U+FFFD.
    i += Math.max(1, lead.length > 0 ? valid : 1)
  }
  return { sequences, firstOffset }
}
