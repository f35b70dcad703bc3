import { describe, expect, it } from 'vitest'
import { captureLogs, createLogger, describeError, redactSecrets, redactShareTokens } from './log'

describe('createLogger', () => {
  it('tags each line with its component and drops lines below the level', () => {
    const lines: string[] = []
    const restore = captureLogs((_level, line) => lines.push(line))
    try {
      const log = createLogger('ingest', 'warn')
      log.info('hidden')
      log.warn('shown')
      createLogger('quiet', 'silent').error('never')
    } finally {
      restore()
    }
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/ WARN \[ingest\] shown$/)
  })
})

describe('describeError', () => {
  it("names the driver's code, table and constraint but never its detail or the wrapping query", () => {
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "users_email_unique"'),
      {
        name: 'PostgresError',
        code: '23505',
        table_name: 'users',
        constraint_name: 'users_email_unique',
        detail: 'Key (email)=(secret@example.test) already exists.',
      },
    )
    const line = describeError(new Error('Failed query: … params: secret@example.test', { cause: driverError }))
    expect(line).toBe(
      'PostgresError 23505 table users constraint users_email_unique: duplicate key value violates unique constraint "users_email_unique"',
    )
  })

  it('describes non-errors too', () => {
    expect(describeError('plain')).toBe('string: plain')
  })
})

describe('redactSecrets', () => {
  const token = `sct_${'A1b2-C3d4_'.repeat(4)}xyz`

  it('removes API tokens and Bearer credentials from every line the logger writes', () => {
    const lines: string[] = []
    const restore = captureLogs((_level, line) => lines.push(line))
    try {
      const log = createLogger('ingest', 'debug')
      log.warn(`push refused for ${token}`)
      log.error(`headers: {"authorization":"Bearer ${token}"} and authorization: bearer abc.def.0123456789xyz`)
    } finally {
      restore()
    }
    const written = lines.join('\n')
    expect(written).not.toContain(token.slice(4))
    expect(written).not.toContain('0123456789xyz')
    expect(written).toContain('sct_[redacted]')
    expect(written).toContain('bearer [redacted]')
  })

  it('leaves ordinary text alone', () => {
    expect(redactSecrets('upload of rollout.jsonl failed: bearer of bad news')).toBe(
      'upload of rollout.jsonl failed: bearer of bad news',
    )
    expect(redactSecrets('sessions 12 · events 40')).toBe('sessions 12 · events 40')
  })
})

describe('share tokens never reach the log', () => {
  const token = `scs_${'A1b2-C3d4_'.repeat(4)}xyz`
  it('redacts tokens, /share/ paths and share= parameters in any message', () => {
    const lines: string[] = []
    const restore = captureLogs((_level, line) => lines.push(line))
    try {
      const log = createLogger('share', 'debug')
      log.info(`GET /share/${token}?x=1 and /api/share/shape?shape=session&share=${token}&offset=-1`)
      log.error(`bad token ${token.slice(0, 20)} at /share/not-even-a-token`)
    } finally {
      restore()
    }
    const text = lines.join('\n')
    expect(text).not.toContain(token)
    expect(text).not.toContain(token.slice(4, 20))
    expect(text).not.toContain('not-even-a-token')
    expect(text).toContain('/share/[redacted]?x=1')
    expect(text).toContain('share=[redacted]&offset=-1')
  })

  it('leaves other text alone', () => {
    expect(redactShareTokens('GET /api/shape?shape=todos&offset=-1')).toBe('GET /api/shape?shape=todos&offset=-1')
  })
})
