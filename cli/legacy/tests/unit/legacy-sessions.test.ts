import { describe, expect, it } from 'vitest'
import { CODEX_HOME_SESSION_KEY, describeLegacySession, GEMINI_HOME_SESSION_KEY } from '../../legacy-sessions'

describe('describeLegacySession', () => {
  it('says that the Codex-home and Gemini ids merged several sessions, and infers their origin', () => {
    expect(describeLegacySession(CODEX_HOME_SESSION_KEY)).toEqual({
      title: expect.stringMatching(/~\/\.codex\/sessions.*several sessions merged/),
      origin: 'codex',
    })
    expect(describeLegacySession(GEMINI_HOME_SESSION_KEY)).toEqual({
      title: expect.stringMatching(/~\/\.gemini\/tmp.*several sessions merged/),
      origin: 'gemini-cli',
    })
  })

  it('decodes the upload path kept in other ids and flags the truncated ones as possibly merged', () => {
    const truncated = describeLegacySession('session-75706c6f6164732f726f6c6c6f75742d32303235')
    expect(truncated.title).toMatch(/uploads starting with "uploads\/rollout-2025".*may merge several sessions/)
    expect(truncated.origin).toBe('codex')

    const short = describeLegacySession(`session-${Buffer.from('uploads/notes.json').toString('hex')}`)
    expect(short).toEqual({ title: 'Imported from the original product: uploads/notes.json', origin: 'unknown' })
  })

  it('describes the default session and falls back to the raw key for anything else', () => {
    expect(describeLegacySession('session-default').title).toMatch(/default session/)
    expect(describeLegacySession('session-my-slug')).toEqual({
      title: 'Imported from the original product: session session-my-slug',
      origin: 'unknown',
    })
  })
})
