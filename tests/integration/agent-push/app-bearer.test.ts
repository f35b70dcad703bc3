/**
 * API tokens through the real app (built server, global request middleware, routes): accepted by
 * the token routes with the right scope, refused with 401 everywhere cookie-only, never given a
 * cookie's powers, and never written to the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { generateApiToken } from '../../../src/server/auth/api-token-secrets'
import { ensureLocalOwner, type Principal } from '../../../src/server/repositories/accounts-repository'
import { apiTokensRepository } from '../../../src/server/repositories/api-tokens-repository'
import { localOwnerCookie, startTestApp, type TestApp } from '../../helpers/app-server'
import { createTestDatabase, type TestDatabase } from '../../helpers/database'
import { CODEX_SYNTHETIC, fixtureBytes } from '../../helpers/ingest'

let database: TestDatabase
let client: DatabaseClient
let app: TestApp
let owner: Principal

beforeAll(async () => {
  database = await createTestDatabase()
  client = createDatabaseClient(database.url, { max: 4 })
  owner = await ensureLocalOwner(client.db)
  app = await startTestApp(database.url)
}, 240_000)

afterAll(async () => {
  await app?.stop()
  await client?.close()
  await database?.drop()
})

async function token(scopes: ('ingest' | 'read')[], expiresAt: Date | null = null) {
  const secret = generateApiToken()
  const { token: row } = await apiTokensRepository.createToken(client.db, {
    accountId: owner.account.id,
    userId: owner.user.id,
    name: `test ${scopes.join('+')}`,
    scopes,
    expiresAt,
    prefix: secret.prefix,
    tokenHash: secret.tokenHash,
  })
  return { secret: secret.token, id: row.id }
}

function chunkUrl(offset: number, sourceKey = '/home/dev/.codex/sessions/a.jsonl') {
  const query = new URLSearchParams({ machine: 'build-box', sourceKey, offset: String(offset) })
  return `${app.url}/api/ingest/chunks?${query}`
}

describe('Bearer tokens through the app', () => {
  it('pushes chunks and reads offsets with an ingest token', async () => {
    const { secret } = await token(['ingest'])
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const auth = { authorization: `Bearer ${secret}` }
    const first = await fetch(chunkUrl(0), {
      method: 'POST',
      headers: auth,
      body: new Uint8Array(bytes.subarray(0, 3000)),
    })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ offset: 3000, appended: 3000 })

    const ahead = await fetch(chunkUrl(5000), {
      method: 'POST',
      headers: auth,
      body: new Uint8Array(bytes.subarray(5000)),
    })
    expect(ahead.status).toBe(409)
    expect(await ahead.json()).toMatchObject({ reason: 'offset-ahead', offset: 3000 })

    const offsets = await fetch(`${app.url}/api/ingest/offsets?machine=build-box`, { headers: auth })
    expect(offsets.status).toBe(200)
    expect(await offsets.json()).toMatchObject({
      machine: 'build-box',
      sources: [{ sourceKey: '/home/dev/.codex/sessions/a.jsonl', offset: 3000 }],
    })

    const bad = await fetch(`${app.url}/api/ingest/offsets?machine=${encodeURIComponent('evil host;')}`, {
      headers: auth,
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { message: string }).message).toMatch(/hostname/)
  })

  it('refuses a token on every cookie-only route with 401 not-accepted', async () => {
    const { secret } = await token(['ingest', 'read'])
    const auth = { authorization: `Bearer ${secret}` }
    const attempts: [string, RequestInit][] = [
      ['/api/shape?shape=sessions&offset=-1', { headers: auth }],
      ['/_serverFn/anything', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }],
      ['/settings', { headers: { ...auth, accept: 'text/html' } }],
      ['/sign-in', { method: 'POST', headers: auth, body: 'email=a&password=b' }],
      ['/api/coach/stream', { method: 'POST', headers: auth, body: '{}' }],
    ]
    for (const [path, init] of attempts) {
      const response = await fetch(`${app.url}${path}`, init)
      expect(response.status, path).toBe(401)
      expect(await response.json(), path).toMatchObject({ reason: 'not-accepted' })
    }
  })

  it('never lends a token request the powers of its cookie, and skips the same-origin check only for tokens', async () => {
    const cookie = await localOwnerCookie(app.url)
    const { secret } = await token(['ingest'])
    // Cookie plus a bad token: judged as a token request (401), not as the cookie's owner.
    const withBadToken = await fetch(`${app.url}/api/sessions/00000000-0000-4000-8000-000000000000/raw`, {
      headers: { cookie, authorization: 'Bearer sct_not-a-real-token' },
    })
    expect(withBadToken.status).toBe(401)
    expect(await withBadToken.json()).toMatchObject({ reason: 'malformed' })
    // Cookie plus a valid ingest token on a read route: the token's scope decides (403), not the cookie.
    const wrongScope = await fetch(`${app.url}/api/sessions/00000000-0000-4000-8000-000000000000/raw`, {
      headers: { cookie, authorization: `Bearer ${secret}` },
    })
    expect(wrongScope.status).toBe(403)
    expect(await wrongScope.json()).toMatchObject({ reason: 'scope' })
    // A cross-site write with a cookie alone is refused; with a token it is a token request.
    const crossSiteCookie = await fetch(chunkUrl(0, 'cross.jsonl'), {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: '{}\n',
    })
    expect(crossSiteCookie.status).toBe(403)
    const crossSiteToken = await fetch(chunkUrl(0, 'cross.jsonl'), {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: '',
    })
    expect(crossSiteToken.status).toBe(200)
    // And a token never sets or renews a session cookie.
    expect(crossSiteToken.headers.get('set-cookie')).toBeNull()
  })

  it('uploads with an ingest token and downloads raw and export with a read token; expired and revoked tokens get 401', async () => {
    const ingest = await token(['ingest'])
    const read = await token(['read'])
    const bytes = fixtureBytes(CODEX_SYNTHETIC)
    const upload = await fetch(`${app.url}/api/uploads?filename=synthetic.jsonl`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest.secret}` },
      body: new Uint8Array(bytes),
    })
    expect(upload.status).toBe(201)
    const { sessionId } = (await upload.json()) as { sessionId: string }
    const raw = await fetch(`${app.url}/api/sessions/${sessionId}/raw`, {
      headers: { authorization: `Bearer ${read.secret}` },
    })
    expect(raw.status).toBe(200)
    expect(Buffer.from(await raw.arrayBuffer()).equals(bytes)).toBe(true)
    const exported = await fetch(`${app.url}/api/sessions/${sessionId}/export?format=json`, {
      headers: { authorization: `Bearer ${read.secret}` },
    })
    expect(exported.status).toBe(200)
    const rules = await fetch(`${app.url}/api/sessions/${sessionId}/rules?name=AGENTS.md`, {
      method: 'POST',
      headers: { authorization: `Bearer ${read.secret}` },
      body: '# Rules\n- Never force push.\n',
    })
    expect(rules.status).toBe(403)

    const expired = await token(['read'], new Date(Date.now() - 60_000))
    const late = await fetch(`${app.url}/api/sessions/${sessionId}/raw`, {
      headers: { authorization: `Bearer ${expired.secret}` },
    })
    expect(late.status).toBe(401)
    expect(await late.json()).toMatchObject({ reason: 'expired' })
    await apiTokensRepository.revokeToken(client.db, { accountId: owner.account.id, userId: owner.user.id }, read.id)
    const revoked = await fetch(`${app.url}/api/sessions/${sessionId}/raw`, {
      headers: { authorization: `Bearer ${read.secret}` },
    })
    expect(revoked.status).toBe(401)
    expect(await revoked.json()).toMatchObject({ reason: 'revoked' })

    // Nothing the app logged carries a token.
    for (const secret of [ingest.secret, read.secret, expired.secret]) expect(app.output()).not.toContain(secret)
  })
})
