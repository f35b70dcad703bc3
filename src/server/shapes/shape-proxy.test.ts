import { ELECTRIC_PROTOCOL_QUERY_PARAMS as CLIENT_PARAMS } from '@electric-sql/client'
import { describe, expect, it } from 'vitest'
import { ELECTRIC_PROTOCOL_QUERY_PARAMS } from './shape-proxy'

describe('protocol parameters the proxy forwards', () => {
  it("are the client library's own list, so SSE and subset parameters pass", () => {
    expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).toEqual(CLIENT_PARAMS)
    for (const name of ['live', 'live_sse', 'experimental_live_sse', 'offset', 'handle', 'cursor', 'subset__where']) {
      expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).toContain(name)
    }
  })

  it('never include what defines the shape', () => {
    for (const name of ['table', 'where', 'params', 'columns', 'queryable_columns', 'replica', 'secret']) {
      expect(ELECTRIC_PROTOCOL_QUERY_PARAMS).not.toContain(name)
    }
  })
})
