import { describe, expect, it } from 'vitest'
import { clientAddress } from '../../../src/server/auth/client-address'

describe('client address for the sign-in rate limit', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy (off by default)', () => {
    expect(clientAddress('127.0.0.1', '10.9.8.7', [])).toBe('127.0.0.1')
    expect(clientAddress('::ffff:127.0.0.1', '10.9.8.7', [])).toBe('127.0.0.1')
    expect(clientAddress('203.0.113.5', '10.9.8.7', ['198.51.100.1'])).toBe('203.0.113.5')
    expect(clientAddress(undefined, '10.9.8.7', [])).toBe('unknown')
  })

  it('behind trusted proxies, takes the rightmost address no trusted proxy wrote', () => {
    const proxies = ['10.0.0.2', '10.0.0.3']
    expect(clientAddress('10.0.0.2', '203.0.113.7', proxies)).toBe('203.0.113.7')
    // The client prepended a fake hop; the proxy appended the real one.
    expect(clientAddress('10.0.0.2', '1.2.3.4, 203.0.113.7', proxies)).toBe('203.0.113.7')
    expect(clientAddress('10.0.0.2', '203.0.113.7, 10.0.0.3', proxies)).toBe('203.0.113.7')
    expect(clientAddress('10.0.0.2', 'garbage', proxies)).toBe('10.0.0.2')
    expect(clientAddress('10.0.0.2', null, proxies)).toBe('10.0.0.2')
  })
})
