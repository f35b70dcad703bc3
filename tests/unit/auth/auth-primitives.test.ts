import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../app.config'
import { readCookie, SESSION_COOKIE, sessionCookie } from '../../../src/server/auth/cookies'
import { hostPolicyFrom } from '../../../src/server/auth/host-policy'
import { checkSameOrigin as checkWithPolicy } from '../../../src/server/auth/origin'
import { hashPassword, verifyPassword } from '../../../src/server/auth/passwords'
import { isPageNavigation } from '../../../src/server/auth/principal'
import { generateSessionToken, hashSessionToken, isWellFormedToken } from '../../../src/server/auth/tokens'

const policy = hostPolicyFrom(loadConfig({ PORT: '3000' }))
const checkSameOrigin = (request: Request) => checkWithPolicy(request, policy)

const req = (url: string, init: RequestInit & { headers?: Record<string, string> } = {}) => new Request(url, init)

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, path-wide, and Secure only over https', () => {
    const plain = sessionCookie(req('http://127.0.0.1:3000/'), 'tok')
    expect(plain).toMatch(/^sc_session=tok; Path=\/; HttpOnly; SameSite=Lax; Max-Age=2592000$/)
    expect(sessionCookie(req('https://coach.example/'), 'tok')).toMatch(/; Secure$/)
    expect(sessionCookie(req('http://app:3000/', { headers: { 'x-forwarded-proto': 'https' } }), 'tok')).toMatch(
      /; Secure$/,
    )
  })

  it('is read from a Cookie header among others', () => {
    const request = req('http://x/', { headers: { cookie: `theme=dark; ${SESSION_COOKIE}=abc%2Fd; other=1` } })
    expect(readCookie(request, SESSION_COOKIE)).toBe('abc/d')
    expect(readCookie(req('http://x/'), SESSION_COOKIE)).toBeUndefined()
  })
})

describe('tokens', () => {
  it('are 256-bit URL-safe strings stored only as sha256 hex', () => {
    const token = generateSessionToken()
    expect(isWellFormedToken(token)).toBe(true)
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/)
    expect(hashSessionToken(token)).not.toContain(token)
    expect(generateSessionToken()).not.toBe(token)
    expect(isWellFormedToken("' or 1=1 --")).toBe(false)
  })
})

describe('passwords', () => {
  it('verify the right password only', async () => {
    const hash = await hashPassword('correct horse battery staple')
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true)
    expect(await verifyPassword(hash, 'wrong')).toBe(false)
    expect(await verifyPassword('garbage', 'x')).toBe(false)
  })
})

describe('same-origin check', () => {
  it('lets safe methods and same-origin writes through', () => {
    expect(checkSameOrigin(req('http://127.0.0.1:3000/x'))).toEqual({ ok: true })
    expect(
      checkSameOrigin(
        req('http://127.0.0.1:3000/x', {
          method: 'POST',
          headers: { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' },
        }),
      ),
    ).toEqual({ ok: true })
    expect(checkSameOrigin(req('http://127.0.0.1:3000/x', { method: 'POST' }))).toEqual({ ok: true })
  })

  it('refuses cross-site and cross-origin writes', () => {
    expect(
      checkSameOrigin(req('http://127.0.0.1:3000/x', { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } })),
    ).toMatchObject({ ok: false })
    expect(
      checkSameOrigin(req('http://127.0.0.1:3000/x', { method: 'DELETE', headers: { origin: 'http://evil.test' } })),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('evil.test'),
    })
    expect(
      checkSameOrigin(req('http://127.0.0.1:3000/x', { method: 'POST', headers: { origin: 'null' } })),
    ).toMatchObject({ ok: false })
    expect(
      checkSameOrigin(req('http://127.0.0.1:3000/x', { method: 'POST', headers: { 'sec-fetch-site': 'same-site' } })),
    ).toMatchObject({ ok: false })
  })

  it('never takes the expected origin from the request (Host, X-Forwarded-Host)', () => {
    // D14: a proxy passing the client's X-Forwarded-Host through must not turn evil.example into "us".
    const forwarded = req('http://127.0.0.1:3000/x', {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' },
    })
    expect(checkSameOrigin(forwarded)).toMatchObject({ ok: false })
    const rebound = req('http://rebind.evil.example:3000/x', {
      method: 'POST',
      headers: { host: 'rebind.evil.example:3000', origin: 'http://rebind.evil.example:3000' },
    })
    expect(checkSameOrigin(rebound)).toMatchObject({ ok: false })
    const localhost = req('http://localhost:3000/x', { method: 'POST', headers: { origin: 'http://localhost:3000' } })
    expect(checkSameOrigin(localhost)).toEqual({ ok: true })
  })
})

describe('page navigation detection', () => {
  it('only counts HTML document GETs', () => {
    expect(isPageNavigation(req('http://x/', { headers: { 'sec-fetch-dest': 'document' } }))).toBe(true)
    expect(isPageNavigation(req('http://x/', { headers: { accept: 'text/html,application/xhtml+xml' } }))).toBe(true)
    expect(isPageNavigation(req('http://x/api/shape', { headers: { accept: 'text/html' } }))).toBe(false)
    expect(isPageNavigation(req('http://x/', { headers: { 'sec-fetch-dest': 'empty' } }))).toBe(false)
    expect(isPageNavigation(req('http://x/', { method: 'POST', headers: { 'sec-fetch-dest': 'document' } }))).toBe(
      false,
    )
    expect(isPageNavigation(req('http://x/api/health'))).toBe(false)
  })
})
