import { describe, expect, it } from 'vitest'
import { findInvalidUtf8 } from '../../utf8-check'

const replacements = (bytes: Buffer) => [...bytes.toString('utf8')].filter((c) => c === '\uFFFD').length

describe('findInvalidUtf8', () => {
  it('finds nothing in valid UTF-8, a U+FFFD that was in the text included', () => {
    expect(findInvalidUtf8(Buffer.from('plain, é, 🤔, \uFFFD'))).toBeUndefined()
  })

  it.each([
    ['a lone continuation byte', [0x61, 0x80, 0x62]],
    ['the probe bytes FF FE C3 28 ED A0 80', [0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]],
    ['a truncated 4-byte sequence at the end', [0x61, 0xf0, 0x9f, 0xa4]],
    ['an overlong encoding', [0xc0, 0xaf, 0xe0, 0x80, 0xaf]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('counts %s as Node replaces it, and finds the first offset', (_name, bytes) => {
    const buffer = Buffer.from([0x5b, ...bytes, 0x5d])
    const found = findInvalidUtf8(buffer)
    expect(found?.sequences).toBe(replacements(buffer))
    const firstBad = buffer.toString('utf8').indexOf('\uFFFD')
    expect(found?.firstOffset).toBe(Buffer.byteLength(buffer.toString('utf8').slice(0, firstBad)))
  })
})
