/**
 * The security probe's findings against the shape server itself: secrets in logs, expressions that
 * overflowed the validator, system catalogs, and a server started without a secret.
 */
import { request as httpRequest } from 'node:http'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Logger } from '../../src/logger.ts'
import { APPLICATION_NAME } from '../../src/postgres-connections.ts'
import { startShapeServer, UnsafeConfigurationError } from '../../src/server.ts'
import { getShape, type ShapeServerFixture, startFixture, withQuery } from './support.ts'

const SECRET = 'probe-secret-0123456789'

function capturingLogger(lines: string[]): Logger {
  const keep = (level: string) => (message: string) => void lines.push(`${level} ${message}`)
  return { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
}

describe('with a secret', () => {
  let fixture: ShapeServerFixture
  const logLines: string[] = []
  const shape = (query: Record<string, string>) => getShape(fixture.shapeUrl, { secret: SECRET, ...query })

  beforeAll(async () => {
    fixture = await startFixture({ secret: SECRET, log: capturingLogger(logLines) })
    await fixture.sql.unsafe(`CREATE TABLE items (id int PRIMARY KEY, title text); INSERT INTO items VALUES (1, 'a')`)
  })

  afterAll(async () => {
    await fixture?.teardown()
  })

  it('answers a deeply nested where clause with a 400 that says why', async () => {
    // 2,000 levels: the URL of 5,000 would exceed Node's 16 KiB header limit (431) before reaching us.
    const response = await shape({ table: 'items', offset: '-1', where: `${'1+'.repeat(2_000)}1 > 0` })
    expect(response.status).toBe(400)
    expect(response.body).toEqual({
      message: 'Invalid request',
      errors: { where: [expect.stringContaining('nested more than 200 levels deep')] },
    })
  })

  it.each([
    ['a chain of additions', `${'1+'.repeat(5_000)}1 > 0`],
    ['nested function calls', `${'lower('.repeat(5_000)}title${')'.repeat(5_000)} = 'x'`],
    ['chained casts', `title${'::text'.repeat(5_000)} = 'x'`],
  ])('answers a subset where with %s 5,000 deep with a 400, and the server stays up', async (_, where) => {
    const response = await fetch(withQuery(fixture.shapeUrl, { secret: SECRET, table: 'items', offset: '-1' }), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ where }),
    })
    const body = (await response.json()) as { errors?: { subset?: { where?: string[] } } }
    expect(response.status).toBe(400)
    expect(body.errors?.subset?.where?.[0]).toContain('nested more than 200 levels deep')
    expect((await shape({ table: 'items', offset: '-1' })).status).toBe(200)
  })

  it.each(['pg_catalog.pg_authid', 'pg_catalog.pg_class', 'information_schema.tables', 'pg_toast.anything'])(
    'refuses the system table %s with a 400 and no DDL',
    async (table) => {
      const response = await shape({ table, offset: '-1' })
      expect(response.status).toBe(400)
      expect(response.body).toEqual({
        message: 'Invalid request',
        errors: { table: [expect.stringContaining('system catalog')] },
      })
    },
  )

  // Last in this block: it makes the database refuse the server's connections.
  it('keeps the secret out of the log when a request fails', async () => {
    const admin = postgres(inject('adminDatabaseUrl'), { max: 1, onnotice: () => {} })
    try {
      await admin.unsafe(`ALTER DATABASE ${fixture.db.name} ALLOW_CONNECTIONS false`)
      await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                   WHERE datname = ${fixture.db.name} AND application_name = ${APPLICATION_NAME}`
      const linesBefore = logLines.length
      // A table not asked for before, so the catalog cache cannot answer without the database.
      const failed = await shape({ table: 'unreached', offset: '-1' })
      expect([500, 503]).toContain(failed.status)
      expect(failed.text).not.toContain(SECRET)
      const logged = logLines.slice(linesBefore).join('\n')
      expect(logged).toContain('table=unreached')
      expect(logged).toContain('secret=[redacted]')
      expect(logged).not.toContain(SECRET)
    } finally {
      await admin.unsafe(`ALTER DATABASE ${fixture.db.name} ALLOW_CONNECTIONS true`)
      await admin.end()
    }
  })
})

describe('without a secret', () => {
  let fixture: ShapeServerFixture
  const logLines: string[] = []

  beforeAll(async () => {
    fixture = await startFixture({ insecure: true, log: capturingLogger(logLines) })
    await fixture.sql.unsafe(`CREATE TABLE items (id int PRIMARY KEY, title text); INSERT INTO items VALUES (1, 'a')`)
  })

  afterAll(async () => {
    await fixture?.teardown()
  })

  it('refuses to start unless insecure mode is asked for, and then only on loopback', async () => {
    const base = { databaseUrl: fixture.db.url, port: 0, slotName: `unused_${fixture.db.name}` }
    await expect(startShapeServer(base)).rejects.toThrow(UnsafeConfigurationError)
    await expect(startShapeServer(base)).rejects.toThrow(/Refusing to start without a secret/)
    await expect(startShapeServer({ ...base, insecure: true, host: '0.0.0.0' })).rejects.toThrow(
      /loopback only, not on 0\.0\.0\.0/,
    )
  })

  it('says loudly at start that it is insecure', () => {
    expect(logLines.filter((line) => line.startsWith('warn INSECURE'))).toHaveLength(1)
  })

  it('serves loopback requests but sends no CORS headers, so other sites cannot read them', async () => {
    const response = await getShape(
      fixture.shapeUrl,
      { table: 'items', offset: '-1' },
      { headers: { origin: 'http://evil.example' } },
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    const preflight = await fetch(fixture.shapeUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'GET' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('refuses DELETE', async () => {
    const first = await getShape(fixture.shapeUrl, { table: 'items', offset: '-1' })
    const handle = first.headers.get('electric-handle') as string
    const response = await fetch(withQuery(fixture.shapeUrl, { handle }), { method: 'DELETE' })
    expect(response.status).toBe(405)
    expect(((await response.json()) as { message: string }).message).toMatch(/without a secret/)
    const again = await getShape(fixture.shapeUrl, { table: 'items', offset: '0_0', handle })
    expect(again.status).toBe(200)
  })

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const target = new URL(withQuery(fixture.shapeUrl, { table: 'items', offset: '-1' }))
        const request = httpRequest(target, { headers: { host } }, (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        })
        request.on('error', reject)
        request.end()
      })
    const port = fixture.server.port
    expect(await statusFor(`rebind.evil.example:${port}`)).toBe(403)
    expect(await statusFor(`127.0.0.1:${port}`)).toBe(200)
    expect(await statusFor(`localhost:${port}`)).toBe(200)
    expect(await statusFor(`[::1]:${port}`)).toBe(200)
  })
})
