import { describe, expect, it } from 'vitest'
import { LineSplitter, MAX_LINE_BYTES } from './line-splitter'

function splitAll(chunks: Uint8Array[]) {
  const splitter = new LineSplitter()
  const lines = chunks.flatMap((chunk) => splitter.push(chunk))
  const last = splitter.end()
  return last ? [...lines, last] : lines
}

describe('LineSplitter', () => {
  it('splits across chunk boundaries, drops CR of CRLF and numbers lines from 1', () => {
    const bytes = Buffer.from('a\r\nbé\n\nlast')
    const oneByteChunks = [...bytes].map((byte) => Uint8Array.of(byte))
    expect(splitAll(oneByteChunks).map((l) => [l.lineNumber, l.text])).toEqual([
      [1, 'a'],
      [2, 'bé'],
      [3, ''],
      [4, 'last'],
    ])
  })

  it('counts bytes per line including the line break', () => {
    expect(splitAll([Buffer.from('ab\ncd')]).map((l) => l.byteLength)).toEqual([3, 2])
  })

  it('replaces NUL and flags invalid UTF-8 without losing the line', () => {
    const [line] = splitAll([Buffer.from([0x61, 0x00, 0xff, 0x62, 0x0a])])
    expect(line.text).toBe('a\uFFFD\uFFFDb')
    expect(line.problem).toBe('invalid-utf8')
  })

  it('skips a line over the limit without holding it, then carries on', () => {
    const splitter = new LineSplitter()
    const block = Buffer.alloc(1024 * 1024, 0x78)
    for (let i = 0; i <= MAX_LINE_BYTES / block.length; i++) expect(splitter.push(block)).toEqual([])
    expect(splitter.bufferedBytes).toBeGreaterThan(MAX_LINE_BYTES)
    const [long, next] = splitter.push(Buffer.from('\nok\n'))
    expect(long).toMatchObject({ lineNumber: 1, text: '', problem: 'too-long' })
    expect(next).toMatchObject({ lineNumber: 2, text: 'ok' })
  })

  it('skips an over-limit line that arrives whole in one chunk the same way', () => {
    const chunk = Buffer.concat([Buffer.alloc(MAX_LINE_BYTES + 1, 0x78), Buffer.from('\nok\n')])
    const [long, next] = new LineSplitter().push(chunk)
    expect(long).toEqual({ lineNumber: 1, text: '', problem: 'too-long', byteLength: MAX_LINE_BYTES + 2 })
    expect(next).toMatchObject({ lineNumber: 2, text: 'ok' })
  })

  it('hands out lines that stay intact when the caller reuses its buffer', () => {
    const splitter = new LineSplitter()
    const buffer = Buffer.from('first\nsecond-sta')
    const lines = splitter.push(buffer)
    buffer.fill(0x7a)
    buffer.write('rt\nthird\n')
    lines.push(...splitter.push(buffer.subarray(0, 'rt\nthird\n'.length)))
    expect(lines.map((line) => line.text)).toEqual(['first', 'second-start', 'third'])
  })

  it('continues numbering from a saved line number', () => {
    const splitter = new LineSplitter(41)
    expect(splitter.push(Buffer.from('x\n'))[0].lineNumber).toBe(41)
  })
})
