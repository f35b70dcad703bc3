/**
 * API tokens against real Postgres: stored as a hash only, scoped, expiring, revocable, last use
 * recorded at most once a minute, and every refusal a 401/403 with a reason a program can act on.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { apiTokens } from '../../../src/db/schema'
import { generateApiToken, hashApiToken } from '../../../src/server/auth/api-token-secrets'
import { authenticateBearer, bearerTokenOf, tokenRouteScope } from '../../../src/server/auth/bearer-auth'
import { apiTokensRepository, LAST_USED_RESOLUTION_MS } from '../../../src/server/repositories/api-tokens-repository'
import { databaseForThisFile } from '../../helpers/database'
import { seedAccountWithSession } from '../../helpers/seed'

const testDb = databaseForThisFile()

async function tokenFor(
  owner: { account: { id: string }; user: { id: string } },
  overrides: { scopes?: ('ingest' | 'read')[]; expiresAt?: Date | null } = {},
) {
  const secret = generateApiToken()
  const { token, txid } = await apiTokensRepository.createToken(testDb.db, {
    accountId: owner.account.id,
    userId: owner.user.id,
    name: 'laptop agent-push',
    scopes: overrides.scopes ?? ['ingest'],
    expiresAt: overrides.expiresAt ?? null,
    prefix: secret.prefix,
    tokenHash: secret.tokenHash,
  })
  return { row: token, secret: secret.token, txid }
}

function withBearer(value: string) {
  return new Request('http://localhost/api/ingest/chunks', { method: 'POST', headers: { authorization: value } })
}

describe('API tokens', () => {
  it('stores only the sha256 of a 256-bit secret and a short non-secret prefix', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const { row, secret, txid } = await tokenFor(owner)
    expect(secret).toMatch(/^sct_[A-Za-z0-9_-]{43}$/)
    expect(txid).toBeGreaterThan(0)
    const [stored] = await testDb.db.select().from(apiTokens).where(eq(apiTokens.id, row.id))
    expect(stored.tokenHash).toBe(hashApiToken(secret))
    expect(stored.prefix).toBe(secret.slice(0, 12))
    expect(JSON.stringify(stored)).not.toContain(secret.slice(12))
  })

  it('resolves a valid token to its owner and refuses unknown, revoked, expired and wrong-scope tokens', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const valid = await tokenFor(owner, { scopes: ['ingest'] })
    const ok = await authenticateBearer(testDb.db, withBearer(`Bearer ${valid.secret}`), 'ingest')
    expect(ok).toMatchObject({ ok: true, tokenId: valid.row.id })
    if (ok.ok) expect(ok.principal.user.id).toBe(owner.user.id)

    const scope = await authenticateBearer(testDb.db, withBearer(`Bearer ${valid.secret}`), 'read')
    expect(scope.ok ? 200 : scope.response.status).toBe(403)
    expect(await (scope.ok ? null : scope.response.json())).toMatchObject({ reason: 'scope' })

    const unknown = await authenticateBearer(testDb.db, withBearer(`Bearer ${generateApiToken().token}`), 'ingest')
    expect(unknown.ok ? 200 : unknown.response.status).toBe(401)

    const expired = await tokenFor(owner, { expiresAt: new Date(Date.now() - 1000) })
    const expiredResult = await authenticateBearer(testDb.db, withBearer(`Bearer ${expired.secret}`), 'ingest')
    expect(expiredResult).toMatchObject({ ok: false, reason: 'expired' })

    await apiTokensRepository.revokeToken(
      testDb.db,
      { accountId: owner.account.id, userId: owner.user.id },
      valid.row.id,
    )
    const revoked = await authenticateBearer(testDb.db, withBearer(`Bearer ${valid.secret}`), 'ingest')
    expect(revoked).toMatchObject({ ok: false, reason: 'revoked' })
    if (!revoked.ok) {
      expect(revoked.response.status).toBe(401)
      expect(((await revoked.response.json()) as { message: string }).message).toMatch(/revoked.*Settings/)
    }
  })

  it('answers a malformed Authorization header with 401 malformed, and ignores other schemes', async () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer sct_short', 'bearer not-a-token-at-all']) {
      const result = await authenticateBearer(testDb.db, withBearer(header), 'ingest')
      expect(result, header).toMatchObject({ ok: false, reason: 'malformed' })
      expect(bearerTokenOf(withBearer(header))).toBe('')
    }
    // A reverse proxy's Basic auth is not ours to judge: such requests stay cookie requests.
    expect(bearerTokenOf(withBearer('Basic dXNlcjpwYXNz'))).toBeUndefined()
  })

  it('another user cannot revoke a token (not found), and revoking twice is harmless', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const stranger = await seedAccountWithSession(testDb.db, 'Stranger')
    const { row } = await tokenFor(owner)
    await expect(
      apiTokensRepository.revokeToken(testDb.db, { accountId: stranger.account.id, userId: stranger.user.id }, row.id),
    ).rejects.toThrow(/does not exist or is not yours/)
    const self = { accountId: owner.account.id, userId: owner.user.id }
    await apiTokensRepository.revokeToken(testDb.db, self, row.id)
    const [first] = await testDb.db.select().from(apiTokens).where(eq(apiTokens.id, row.id))
    await apiTokensRepository.revokeToken(testDb.db, self, row.id)
    const [second] = await testDb.db.select().from(apiTokens).where(eq(apiTokens.id, row.id))
    expect(first.revokedAt).not.toBeNull()
    expect(second.revokedAt).toEqual(first.revokedAt)
  })

  it('records last use at most once per minute', async () => {
    const owner = await seedAccountWithSession(testDb.db)
    const { row, secret } = await tokenFor(owner)
    const lastUsed = async () =>
      (await testDb.db.select().from(apiTokens).where(eq(apiTokens.id, row.id)))[0].lastUsedAt
    const start = new Date(Date.now() + 1_000)
    await authenticateBearer(testDb.db, withBearer(`Bearer ${secret}`), 'ingest', start)
    expect(await lastUsed()).toEqual(start)
    await authenticateBearer(testDb.db, withBearer(`Bearer ${secret}`), 'ingest', new Date(start.getTime() + 5_000))
    expect(await lastUsed()).toEqual(start)
    const later = new Date(start.getTime() + LAST_USED_RESOLUTION_MS + 1)
    await authenticateBearer(testDb.db, withBearer(`Bearer ${secret}`), 'ingest', later)
    expect(await lastUsed()).toEqual(later)
  })

  it('names the routes that take a token, each with its scope; nothing else takes one', () => {
    expect(tokenRouteScope('/api/uploads', 'POST')).toBe('ingest')
    expect(tokenRouteScope('/api/sessions/abc/rules', 'POST')).toBe('ingest')
    expect(tokenRouteScope('/api/ingest/chunks', 'POST')).toBe('ingest')
    expect(tokenRouteScope('/api/ingest/offsets', 'GET')).toBe('ingest')
    expect(tokenRouteScope('/api/sessions/abc/raw', 'GET')).toBe('read')
    expect(tokenRouteScope('/api/sessions/abc/export', 'GET')).toBe('read')
    for (const [path, method] of [
      ['/api/shape', 'GET'],
      ['/_serverFn/abc', 'POST'],
      ['/sign-in', 'GET'],
      ['/settings', 'GET'],
      ['/api/coach/stream', 'POST'],
      ['/api/uploads', 'GET'],
      ['/api/sessions/a/b/raw', 'GET'],
    ]) {
      expect(tokenRouteScope(path, method), path).toBeUndefined()
    }
  })
})
