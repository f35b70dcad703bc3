import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../app.config'
import { hostPolicyFrom, isServedHost, normalizeHost } from '../../../src/server/auth/host-policy'

const withHost = (host: string) => new Request('http://127.0.0.1:3000/', { headers: { host } })

describe('host policy', () => {
  it('serves the loopback names on the configured port, and nothing else by default', () => {
    const policy = hostPolicyFrom(loadConfig({ PORT: '3000' }))
    for (const host of ['127.0.0.1:3000', 'localhost:3000', 'LOCALHOST:3000', '[::1]:3000']) {
      expect(isServedHost(withHost(host), policy), host).toBe(true)
    }
    for (const host of [
      'rebind.evil.example:3000',
      'rebind.evil.example',
      '127.0.0.1:3001',
      'localhost',
      '127.0.0.1.nip.io:3000',
      'localhost:3000@evil.example',
      '',
    ]) {
      expect(isServedHost(withHost(host), policy), host).toBe(false)
    }
    expect([...policy.origins]).toEqual(['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000'])
  })

  it('adds the host and origin of PUBLIC_URL and each of ALLOWED_HOSTS', () => {
    const policy = hostPolicyFrom(
      loadConfig({
        AUTH_MODE: 'password',
        HOST: '0.0.0.0',
        PUBLIC_URL: 'https://Coach.Example.com/app/',
        ALLOWED_HOSTS: 'app:3000, proxy.internal',
      }),
    )
    expect(isServedHost(withHost('coach.example.com'), policy)).toBe(false) // http default port 80
    expect(
      isServedHost(new Request('https://coach.example.com/', { headers: { host: 'coach.example.com' } }), policy),
    ).toBe(true)
    expect(isServedHost(withHost('app:3000'), policy)).toBe(true)
    expect(isServedHost(withHost('proxy.internal'), policy)).toBe(true)
    expect(isServedHost(withHost('0.0.0.0:3000'), policy)).toBe(false)
    expect(policy.origins.has('https://coach.example.com')).toBe(true)
    expect(policy.origins.has('http://coach.example.com')).toBe(false)
  })

  it('normalizes ports and case', () => {
    expect(normalizeHost('Example.COM')).toBe('example.com:80')
    expect(normalizeHost('example.com', 443)).toBe('example.com:443')
    expect(normalizeHost('[::1]:3000')).toBe('[::1]:3000')
    expect(normalizeHost('a b')).toBeUndefined()
  })

  it('rejects malformed PUBLIC_URL, ALLOWED_HOSTS and TRUSTED_PROXIES with a message', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'coach.example.com' })).toThrow(/PUBLIC_URL.*http\(s\) URL/)
    expect(() => loadConfig({ ALLOWED_HOSTS: 'https://x.example' })).toThrow(/ALLOWED_HOSTS.*host name/)
    expect(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8' })).toThrow(/TRUSTED_PROXIES.*IP address/)
  })
})
