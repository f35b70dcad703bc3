import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseCliOptions } from '../../src/cli-options.ts'

const DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/app'

describe('shape-server CLI options', () => {
  it('runs with a secret as before', () => {
    const result = parseCliOptions([], { DATABASE_URL, ELECTRIC_SECRET: 'a-long-secret' })
    expect(result).toEqual({
      kind: 'run',
      options: {
        databaseUrl: DATABASE_URL,
        port: 3001,
        secret: 'a-long-secret',
        insecure: false,
        longPollTimeoutMs: 20_000,
        logLevel: 'info',
      },
    })
  })

  it('refuses to run without a secret unless told it may', () => {
    const refused = parseCliOptions([], { DATABASE_URL })
    expect(refused.kind).toBe('invalid')
    expect(refused.kind === 'invalid' && refused.problems.join('\n')).toMatch(/ELECTRIC_SECRET: is not set.*--insecure/)

    for (const [argv, env] of [
      [['--insecure'], {}],
      [[], { SHAPE_SERVER_INSECURE: 'true' }],
    ] as const) {
      const allowed = parseCliOptions([...argv], { DATABASE_URL, ...env })
      expect(allowed.kind === 'run' && allowed.options).toMatchObject({ secret: undefined, insecure: true })
    }
  })

  it('reports every problem at once, without echoing secrets', () => {
    const result = parseCliOptions(['--bogus'], {
      DATABASE_URL: 'mysql://x',
      SHAPE_SERVER_PORT: 'abc',
      ELECTRIC_SECRET: 'short',
      SHAPE_SERVER_INSECURE: 'maybe',
    })
    expect(result.kind).toBe('invalid')
    const problems = result.kind === 'invalid' ? result.problems.join('\n') : ''
    expect(problems).toContain('unknown argument "--bogus"')
    expect(problems).toContain('DATABASE_URL: must be a postgres://')
    expect(problems).toContain('SHAPE_SERVER_PORT (got "abc")')
    expect(problems).toContain('ELECTRIC_SECRET: must be at least 8 characters')
    expect(problems).toContain('SHAPE_SERVER_INSECURE (got "maybe")')
    expect(problems).not.toContain('short')
  })

  // Starting Node and compiling the sources takes seconds on a busy machine, hence the longer timeout.
  it('the installed command exits with status 2 and says why when no secret is set', () => {
    const bin = fileURLToPath(new URL('../../bin/shape-server.mjs', import.meta.url))
    const { status, stderr } = spawnSync(process.execPath, [bin], {
      env: { PATH: process.env.PATH, DATABASE_URL },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(stderr).toContain('ELECTRIC_SECRET: is not set')
    expect(status).toBe(2)
  }, 30_000)
})
