import { describe, expect, it } from 'vitest'
import type { TimelineEventRow } from '~/collections/session-collections'
import { coachPromptOf, editLines, eventJson, languageOfPath, patchLines, payloadSections } from './event-payload'

function event(overrides: Partial<TimelineEventRow>): TimelineEventRow {
  return {
    sessionId: '7d2c1f4e-0000-4000-8000-000000000001',
    ordinal: 41,
    accountId: '7d2c1f4e-0000-4000-8000-000000000002',
    eventKey: null,
    type: 'Other',
    role: null,
    at: null,
    name: null,
    command: null,
    commandFamily: null,
    sidechain: false,
    path: null,
    exitCode: null,
    durationMs: null,
    summary: '',
    payload: {},
    ...overrides,
  }
}

describe('event JSON and the coach prompt', () => {
  it('copies every column but the account, with the number people see', () => {
    const json = JSON.parse(eventJson(event({ type: 'LocalShellCall', command: 'git status' })))
    expect(json).toMatchObject({ number: 42, ordinal: 41, type: 'LocalShellCall', command: 'git status' })
    expect(json).not.toHaveProperty('accountId')
  })

  it('names the event by its own number and type, with its JSON in a fence', () => {
    const shell = event({ type: 'LocalShellCall', command: 'rm -rf dist' })
    expect(coachPromptOf(shell)).toBe(
      `Analyze this timeline event #42 (LocalShellCall):\n\n\`\`\`json\n${eventJson(shell)}\n\`\`\`\n\nWhat are the implications of this event?`,
    )
  })

  it('cuts very long strings so the prompt stays within what the coach accepts', () => {
    const huge = event({ payload: { stdout: 'x'.repeat(200_000) } })
    const prompt = coachPromptOf(huge)
    expect(prompt.length).toBeLessThan(20_000)
    expect(prompt).toContain('more characters)')
    expect(prompt.startsWith('Analyze this timeline event #42 (Other):')).toBe(true)
  })
})

describe('diffs', () => {
  it('reads an apply_patch envelope line by line', () => {
    const lines = patchLines('*** Begin Patch\n*** Update File: a.ts\n@@\n-old\n+new\n same\n*** End Patch\n')
    expect(lines.map((line) => line.kind)).toEqual(['header', 'header', 'header', 'remove', 'add', 'context', 'header'])
  })

  it('diffs an edit tool’s old and new strings', () => {
    expect(editLines('a\nb\nc\n', 'a\nB\nc\n')).toEqual([
      { kind: 'context', text: ' a' },
      { kind: 'remove', text: '-b' },
      { kind: 'add', text: '+B' },
      { kind: 'context', text: ' c' },
    ])
  })

  it('shows Codex patches, Claude Code edits and whole-file writes', () => {
    const codex = payloadSections(
      event({ type: 'FileChange', payload: { diff: '*** Begin Patch\n+x\n*** End Patch' } }),
    )
    expect(codex[0]).toMatchObject({ kind: 'diff', title: 'Patch' })

    const edit = payloadSections(
      event({
        type: 'FileChange',
        path: 'src/a.ts',
        payload: { path: 'src/a.ts', args: { old_string: 'a', new_string: 'b' } },
      }),
    )
    expect(edit[0]).toMatchObject({ kind: 'diff', title: 'src/a.ts' })

    const multi = payloadSections(
      event({
        type: 'FileChange',
        payload: {
          path: 'b.py',
          args: {
            edits: [
              { old_string: 'a', new_string: 'b' },
              { old_string: 'c', new_string: 'd' },
            ],
          },
        },
      }),
    )
    expect(multi.map((section) => section.title)).toEqual(['b.py (edit 1 of 2)', 'b.py (edit 2 of 2)'])

    const write = payloadSections(
      event({ type: 'FileChange', payload: { path: 'c.py', args: { content: 'print(1)' } } }),
    )
    expect(write[0]).toEqual({ kind: 'code', title: 'c.py', code: 'print(1)', language: 'python' })
  })

  it('shows a shell command highlighted and its outputs as text', () => {
    const sections = payloadSections(
      event({ type: 'LocalShellCall', command: 'ls', payload: { stdout: 'a\nb', stderr: 'oops' } }),
    )
    expect(sections).toEqual([
      { kind: 'code', title: 'Command', code: 'ls', language: 'bash' },
      { kind: 'text', title: 'Output', text: 'a\nb' },
      { kind: 'text', title: 'Error output', text: 'oops' },
    ])
  })

  it('knows the languages of common file names', () => {
    expect(languageOfPath('src/x.tsx')).toBe('typescript')
    expect(languageOfPath('Makefile')).toBeNull()
    expect(languageOfPath(null)).toBeNull()
  })
})
