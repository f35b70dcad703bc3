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
        cacheMaxAge: 60,
        cacheStaleAge: 300,
        chunkBytes: 10 * 1024 * 1024,
        maxShapes: 5_000,
        memoryBudgetBytes: 512 * 1024 * 1024,
        idleShapeMs: 1_800_000,
        storageDir: undefined,
        logLevel: 'info',
      },
    })
  })

  it("accepts Electric's variable names, so one configuration serves both servers", () => {
    const result = parseCliOptions([], {
      DATABASE_URL,
      ELECTRIC_SECRET: 'a-long-secret',
      ELECTRIC_PORT: '3000',
      ELECTRIC_LONG_POLL_TIMEOUT: '15000',
      ELECTRIC_CACHE_MAX_AGE: '5',
      ELECTRIC_CACHE_STALE_AGE: '0',
      ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD: '65536',
      ELECTRIC_MAX_SHAPES: '100',
      ELECTRIC_STORAGE_DIR: '/var/lib/shapes',
    })
    expect(result.kind === 'run' && result.options).toMatchObject({
      storageDir: '/var/lib/shapes',
      port: 3000,
      longPollTimeoutMs: 15_000,
      cacheMaxAge: 5,
      cacheStaleAge: 0,
      chunkBytes: 65_536,
      maxShapes: 100,
    })
    // Electric's older name for the shape cap.
    const experimental = parseCliOptions([], {
      DATABASE_URL,
      ELECTRIC_SECRET: 'a-long-secret',
      ELECTRIC_EXPERIMENTAL_MAX_SHAPES: '250',
    })
    expect(experimental.kind === 'run' && experimental.options.maxShapes).toBe(250)
    const insecure = parseCliOptions([], { DATABASE_URL, ELECTRIC_INSECURE: 'true' })
    expect(insecure.kind === 'run' && insecure.options.insecure).toBe(true)
  })

  it('refuses an Electric name and its older alias set to different values, and bad numbers', () => {
    const result = parseCliOptions([], {
      DATABASE_URL,
      ELECTRIC_SECRET: 'a-long-secret',
      ELECTRIC_PORT: '3000',
      SHAPE_SERVER_PORT: '3001',
      ELECTRIC_CACHE_MAX_AGE: '-1',
      ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD: 'big',
      SHAPE_SERVER_MEMORY_BUDGET_MB: '32',
    })
    const problems = result.kind === 'invalid' ? result.problems.join('\n') : ''
    expect(problems).toContain('ELECTRIC_CACHE_MAX_AGE (got "-1"): must be at least 0')
    expect(problems).toContain('SHAPE_SERVER_MEMORY_BUDGET_MB (got "32"): must be at least 64')
    expect(problems).toContain('ELECTRIC_SHAPE_CHUNK_BYTES_THRESHOLD (got "big"): must be a number of bytes')
    const aliases = parseCliOptions([], {
      DATABASE_URL,
      ELECTRIC_SECRET: 'a-long-secret',
      ELECTRIC_PORT: '3000',
      SHAPE_SERVER_PORT: '3001',
    })
    expect(aliases.kind === 'invalid' && aliases.problems.join('\n')).toContain(
      'ELECTRIC_PORT and SHAPE_SERVER_PORT name the same setting but differ',
    )
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
