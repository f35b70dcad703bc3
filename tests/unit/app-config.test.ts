import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { applyEnvFile, ConfigError, loadConfig } from '../../app.config'

describe('app.config', () => {
  it('has working defaults for an empty environment', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      PORT: 3000,
      HOST: '127.0.0.1',
      AUTH_MODE: 'local',
      DATA_DIR: '.data',
      SHAPE_SERVER_PORT: 3001,
      LOG_LEVEL: 'info',
      ALLOW_REMOTE_LOCAL_AUTH: false,
    })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.ELECTRIC_URL).toBeUndefined()
  })

  it('reads SESSION_DIRS like PATH, expands ~, and switches discovery off when set empty', () => {
    const home = process.env.HOME ?? ''
    expect(loadConfig({}).SESSION_DIRS).toEqual([
      `${home}/.codex/sessions`,
      `${home}/.gemini/tmp`,
      `${home}/.claude/projects`,
    ])
    expect(loadConfig({ SESSION_DIRS: '/a/b: ~/logs ' }).SESSION_DIRS).toEqual(['/a/b', `${home}/logs`])
    expect(loadConfig({ SESSION_DIRS: '' }).SESSION_DIRS).toEqual([])
  })

  it('takes the owner of discovered sessions as an e-mail address, lowercased', () => {
    expect(loadConfig({}).DISCOVERY_ACCOUNT).toBeUndefined()
    expect(loadConfig({ DISCOVERY_ACCOUNT: '' }).DISCOVERY_ACCOUNT).toBeUndefined()
    expect(loadConfig({ DISCOVERY_ACCOUNT: ' Me@Example.com ' }).DISCOVERY_ACCOUNT).toBe('me@example.com')
    expect(() => loadConfig({ DISCOVERY_ACCOUNT: 'me' })).toThrow(
      /DISCOVERY_ACCOUNT \(got "me"\): must be the e-mail address of a user/,
    )
  })

  it('gives uploads their own size limit', () => {
    expect(loadConfig({}).UPLOAD_MAX_BYTES).toBe(512 * 1024 * 1024)
    expect(() => loadConfig({ UPLOAD_MAX_BYTES: '12' })).toThrow(
      /UPLOAD_MAX_BYTES \(got "12"\): must be at least 1024 bytes/,
    )
  })

  it('gives up on a silent sync service only after its longest long poll', () => {
    expect(loadConfig({}).SHAPE_PROXY_IDLE_TIMEOUT_MS).toBe(60_000)
    expect(
      loadConfig({ SHAPE_PROXY_IDLE_TIMEOUT_MS: '8000', SHAPE_SERVER_LONG_POLL_MS: '2000' })
        .SHAPE_PROXY_IDLE_TIMEOUT_MS,
    ).toBe(8_000)
    expect(() => loadConfig({ SHAPE_PROXY_IDLE_TIMEOUT_MS: '15000' })).toThrow(
      /SHAPE_PROXY_IDLE_TIMEOUT_MS.*must be longer than SHAPE_SERVER_LONG_POLL_MS \(20000 ms\)/,
    )
    expect(() => loadConfig({ SHAPE_PROXY_IDLE_TIMEOUT_MS: 'soon' })).toThrow(
      /SHAPE_PROXY_IDLE_TIMEOUT_MS \(got "soon"\): must be a number of milliseconds/,
    )
  })

  it('treats empty strings as unset and strips trailing slashes from ELECTRIC_URL', () => {
    const config = loadConfig({ DATABASE_URL: '', ELECTRIC_URL: 'http://electric:3000/' })
    expect(config.DATABASE_URL).toBeUndefined()
    expect(config.ELECTRIC_URL).toBe('http://electric:3000')
  })

  it('reports every bad variable at once, with how to fix it and without echoing secrets', () => {
    let error: unknown
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', AUTH_MODE: 'ldap', APP_SECRET: 'short-secret-value' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as ConfigError).message
    expect((error as ConfigError).problems).toHaveLength(4)
    expect(message).toMatch(/PORT \(got "eighty"\): must be a port number/)
    expect(message).toMatch(/DATABASE_URL \(got "mysql:\/\/x"\): must be a postgres:\/\//)
    expect(message).toMatch(/AUTH_MODE \(got "ldap"\): must be 'local' or 'password'/)
    expect(message).toMatch(/APP_SECRET \(got "\*\*\*"\): must be at least 32 characters/)
    expect(message).not.toContain('short-secret-value')
  })

  it('refuses a non-loopback HOST in local auth mode unless explicitly allowed', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/AUTH_MODE=local signs in every visitor/)
    expect(loadConfig({ HOST: '0.0.0.0', ALLOW_REMOTE_LOCAL_AUTH: 'true' }).HOST).toBe('0.0.0.0')
    expect(loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'password' }).AUTH_MODE).toBe('password')
    expect(loadConfig({ HOST: 'localhost' }).HOST).toBe('localhost')
  })
})

describe('.env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-config-env-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, '.env'), '# local settings\nPORT=4444\nLOG_LEVEL="debug"\nAUTH_MODE=password\n')
  writeFileSync(join(dir, 'other.env'), 'PORT=5555\n')

  it('fills what the environment leaves unset, and the environment wins', () => {
    const env: Record<string, string | undefined> = { AUTH_MODE: 'local' }
    expect(applyEnvFile(env, dir)).toBe(join(dir, '.env'))
    expect(env).toMatchObject({ PORT: '4444', LOG_LEVEL: 'debug', AUTH_MODE: 'local' })
    expect(loadConfig(env)).toMatchObject({ PORT: 4444, LOG_LEVEL: 'debug', AUTH_MODE: 'local' })
  })

  it('reads the file ENV_FILE names, none with ENV_FILE=none, and nothing when there is no .env', () => {
    const named: Record<string, string | undefined> = { ENV_FILE: 'other.env' }
    applyEnvFile(named, dir)
    expect(named.PORT).toBe('5555')

    const off: Record<string, string | undefined> = { ENV_FILE: 'none' }
    expect(applyEnvFile(off, dir)).toBeUndefined()
    expect(off.PORT).toBeUndefined()

    const empty = mkdtempSync(join(dir, 'empty-'))
    const nothing: Record<string, string | undefined> = {}
    expect(applyEnvFile(nothing, empty)).toBeUndefined()
    expect(nothing).toEqual({})
  })

  it('names a missing ENV_FILE instead of silently using defaults', () => {
    expect(() => applyEnvFile({ ENV_FILE: 'missing.env' }, dir)).toThrow(ConfigError)
    expect(() => applyEnvFile({ ENV_FILE: 'missing.env' }, dir)).toThrow(
      /ENV_FILE \(got "missing.env"\): there is no file/,
    )
  })
})
