import { describe, expect, it } from 'vitest'
import { sniffContent } from './content-sniffer'

describe('sniffContent', () => {
  it('accepts UTF-8 JSON lines, even with a stray NUL', () => {
    expect(sniffContent(Buffer.from('{"a":"é\u0000"}\n{"b":1}\n')).ok).toBe(true)
  })

  it('names archives and images and says what to do', () => {
    const verdict = sniffContent(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))
    expect(verdict).toMatchObject({ ok: false, kind: 'binary' })
    expect(!verdict.ok && verdict.message).toMatch(/zip archive.*Unzip/)
  })

  it('refuses control-byte soup as binary and Latin-1 or UTF-16 as undecodable', () => {
    expect(sniffContent(Buffer.alloc(100, 1))).toMatchObject({ ok: false, kind: 'binary' })
    expect(sniffContent(Buffer.from('caf\u00e9 '.repeat(50), 'latin1'))).toMatchObject({
      ok: false,
      kind: 'undecodable',
    })
    expect(sniffContent(Buffer.from([0xff, 0xfe, 0x7b, 0x00]))).toMatchObject({ ok: false, kind: 'undecodable' })
  })

  it('does not count a multi-byte character cut at the end of the sample', () => {
    expect(sniffContent(Buffer.from('{"a":"b"}\n').subarray(0, 8)).ok).toBe(true)
    expect(sniffContent(Buffer.concat([Buffer.from('x'.repeat(200)), Buffer.from('é').subarray(0, 1)])).ok).toBe(true)
  })
})
