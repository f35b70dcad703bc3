import { describe, expect, it } from 'vitest'
import { txidOf } from './mutation-result'

describe('txidOf', () => {
  it('accepts a numeric txid and a decimal string', () => {
    expect(txidOf({ txid: 42 })).toBe(42)
    expect(txidOf({ txid: '4294967295' })).toBe(4294967295)
  })

  it("turns a refusal body into an error carrying the server's message", () => {
    expect(() => txidOf({ message: 'Refused: cross-site request.' })).toThrow('Refused: cross-site request.')
    expect(() => txidOf({ txid: 'abc' })).toThrow('The server did not confirm the change.')
  })
})
