import { describe, expect, it } from 'vitest'
import { JsonArraySplitter, JsonArraySyntaxError } from '../../json-array-splitter'

/** Splits `text` fed in chunks of `size` bytes, to cover every boundary position. */
function split(text: string, size = 1) {
  const bytes = Buffer.from(text)
  const splitter = new JsonArraySplitter()
  const elements: string[] = []
  for (let i = 0; i < bytes.length; i += size)
    splitter.push(bytes.subarray(i, i + size), (element) => elements.push(element.bytes.toString('utf8')))
  splitter.finish()
  return elements.map((json) => JSON.parse(json))
}

describe('JsonArraySplitter', () => {
  const tricky = [
    { s: 'a "quoted" ] } , [ { text', back: '\\', both: '\\"', end: 'ends with backslash \\' },
    [1, [2, [3]], { deep: { er: [] } }],
    'é🤔 multi-byte',
    -12.5e3,
    null,
    true,
    {},
    [],
  ]

  it.each([1, 2, 3, 7, 64, 4096])('returns the same values as JSON.parse in chunks of %i bytes', (size) => {
    expect(split(JSON.stringify(tricky, null, 2), size)).toEqual(tricky)
    expect(split(JSON.stringify(tricky), size)).toEqual(tricky)
  })

  it('accepts an empty array, surrounding whitespace and a byte-order mark', () => {
    expect(split(' \n[ \n ]\n ')).toEqual([])
    expect(split('\uFEFF[1]', 4096)).toEqual([1])
  })

  it.each([
    ['[1,]', /expected a value/],
    ['[,1]', /expected a value/],
    ['[1] 2', /unexpected characters after the array/],
    ['[{"a": 1}', /unexpected end/],
    ['[{"a": "unterminated]', /unexpected end/],
    ['', /unexpected end/],
  ])('rejects %j', (text, message) => {
    expect(() => split(text)).toThrow(message)
  })

  it.each([
    ['{"a": []}', 'an object'],
    ['null', 'null'],
    ['"text"', 'a string'],
    ['42', 'a number'],
  ])('says what a top level of %j is', (text, found) => {
    const error = (() => {
      try {
        split(text)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(JsonArraySyntaxError)
    expect((error as JsonArraySyntaxError).topLevel).toBe(found)
  })
})

describe('JsonArraySplitter element facts', () => {
  function elementsOf(text: string, size: number) {
    const bytes = Buffer.from(text)
    const splitter = new JsonArraySplitter()
    const elements: { offset: number; depth: number; text: string }[] = []
    for (let i = 0; i < bytes.length; i += size) {
      splitter.push(bytes.subarray(i, i + size), (element) =>
        elements.push({ offset: element.offset, depth: element.depth, text: element.bytes.toString('utf8').trim() }),
      )
    }
    splitter.finish()
    return elements
  }

  it.each([1, 5, 4096])(
    'gives each element its byte offset in the input and its nesting depth (chunks of %i)',
    (size) => {
      const text = '[ 1, {"a": [[{}]], "é": "[[["}, [],\n  "x" ]'
      expect(elementsOf(text, size)).toEqual([
        { offset: 2, depth: 0, text: '1' },
        { offset: 5, depth: 4, text: '{"a": [[{}]], "é": "[[["}' },
        { offset: Buffer.byteLength('[ 1, {"a": [[{}]], "é": "[[["}, '), depth: 1, text: '[]' },
        { offset: Buffer.byteLength('[ 1, {"a": [[{}]], "é": "[[["}, [],\n  '), depth: 0, text: '"x"' },
      ])
    },
  )
})
