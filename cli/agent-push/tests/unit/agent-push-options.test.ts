import { describe, expect, it } from 'vitest'
import { parseAgentPushArgs, UsageError } from '../../agent-push-options'

const TOKEN = `sct_${'a'.repeat(43)}`
const dirs = (value: string | undefined) => (value ?? '/default/dir').split(':')

describe('agent-push flags', () => {
  it('takes the server, token, folders and machine, with defaults for the rest', () => {
    const parsed = parseAgentPushArgs(
      ['--server', 'https://coach.example.com/', '--token', TOKEN, '--dirs', '/a:/b', '--machine', 'laptop-7'],
      {},
      dirs,
    )
    expect(parsed).toEqual({
      help: false,
      options: {
        server: 'https://coach.example.com',
        token: TOKEN,
        dirs: ['/a', '/b'],
        machine: 'laptop-7',
        intervalMs: 1000,
        idleMs: 120_000,
        chunkBytes: 1024 * 1024,
        maxBackoffMs: 30_000,
        once: false,
      },
    })
  })

  it('reads the token from AGENT_PUSH_TOKEN and the folders from SESSION_DIRS when not given', () => {
    const parsed = parseAgentPushArgs(['--server', 'http://127.0.0.1:3000'], { AGENT_PUSH_TOKEN: TOKEN }, dirs)
    expect(parsed.help ? undefined : parsed.options).toMatchObject({ token: TOKEN, dirs: ['/default/dir'] })
  })

  it('says what is wrong, with the usage, for bad flags — and never echoes the token back', () => {
    const attempt = (argv: string[]) => {
      try {
        parseAgentPushArgs(argv, {}, dirs)
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError)
        return (error as Error).message
      }
      throw new Error('accepted')
    }
    expect(attempt([])).toMatch(/--server URL is required[\s\S]*--token TOKEN \(or AGENT_PUSH_TOKEN\) is required/)
    expect(attempt(['--server', 'ftp://x', '--token', TOKEN])).toMatch(/--server must be an http\(s\) URL/)
    const wrongToken = attempt(['--server', 'http://x', '--token', 'sct_tooshort-secret'])
    expect(wrongToken).toMatch(/--token must be a whole API token/)
    expect(wrongToken).not.toContain('tooshort-secret')
    expect(attempt(['--server', 'http://x', '--token', TOKEN, '--machine', 'bad host!'])).toMatch(
      /--machine: .*hostname/,
    )
    expect(attempt(['--server', 'http://x', '--token', TOKEN, '--interval', 'soon'])).toMatch(
      /--interval must be a whole number/,
    )
    expect(attempt(['--bogus'])).toMatch(/Unknown option '--bogus'[\s\S]*Usage: pnpm agent-push/)
  })

  it('--help needs no other flag', () => {
    expect(parseAgentPushArgs(['--help'], {}, dirs)).toEqual({ help: true })
    expect(parseAgentPushArgs(['-h', '--server', 'ftp://not-checked'], {}, dirs)).toEqual({ help: true })
  })
})
