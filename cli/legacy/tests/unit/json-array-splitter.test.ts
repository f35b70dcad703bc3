import { describe, expect, it } from 'vitest'
import { JsonArraySplitter, JsonArraySyntaxError } from '../../json-array-splitter'

/** Splits `text` fed in chunks of `size` bytes, to cover every boundary position. */
function split(text: string, size = 1) {
  const bytes = Buffer.from(text)
  const splitter = new JsonArraySplitter()
  const elements: string[] = []
  for (let i = 0; i < bytes.length; i += size) splitter.push(bytes.subarray(i, i + size), (json) => elements.push(json))
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
