import { describe, expect, it } from 'vitest'
import { legacySessionKey } from './legacy-key'

describe('legacySessionKey', () => {
  it('reproduces the ids the original product gave its Codex and Gemini home sessions', () => {
    expect(legacySessionKey('~/.codex/sessions/2025/12/18/rollout-x.jsonl')).toBe(
      'session-75706c6f6164732f7e2f2e636f6465782f736573',
    )
    expect(legacySessionKey('~/.gemini/tmp/abc/chats/session-1.json')).toBe(
      'session-75706c6f6164732f7e2f2e67656d696e692f746d',
    )
  })

  it('keeps short names whole', () => {
    expect(legacySessionKey('a.jsonl')).toBe(`session-${Buffer.from('uploads/a.jsonl').toString('hex')}`)
  })
})
