import { describe, expect, it } from 'vitest'
import { boundedJson, isoInstant, oneLine, truncateText } from './bounded-text'
import { MAX_PAYLOAD_DEPTH, MAX_PAYLOAD_ENTRIES, MAX_PAYLOAD_STRING_LENGTH, MAX_PAYLOAD_TEXT_BUDGET } from './limits'
import { repoNameFromCwd, repoNameFromRemote } from './repo-name'
import { commandText, parseShellOutput, patchPaths, tryJson } from './shell-command'

describe('repo names', () => {
  it('reads owner/repo from https, ssh and scp-like remotes', () => {
    expect(repoNameFromRemote('https://github.com/acme/api.git')).toBe('acme/api')
    expect(repoNameFromRemote('ssh://git@gitlab.example.com:2222/group/sub/tool.git/')).toBe('sub/tool')
    expect(repoNameFromRemote('git@github.com:acme/acme-api.git')).toBe('acme/acme-api')
    expect(repoNameFromRemote('redacted://url/5d14a88c6f')).toBe('5d14a88c6f')
    expect(repoNameFromRemote('')).toBeNull()
  })

  it('falls back to the basename of the working directory', () => {
    expect(repoNameFromCwd('/home/dev/projects/acme-api/')).toBe('acme-api')
    expect(repoNameFromCwd('C:\\Users\\dev\\tool')).toBe('tool')
    expect(repoNameFromCwd('/')).toBeNull()
  })
})

describe('shell commands and outputs', () => {
  it('shows the script of a shell wrapper and quotes other argv', () => {
    expect(commandText(['bash', '-lc', 'git status && ls'])).toBe('git status && ls')
    expect(commandText(['git', 'commit', '-m', "it's done"])).toBe(`git commit -m 'it'\\''s done'`)
    expect(commandText('rg -n x')).toBe('rg -n x')
    expect(commandText([1, 2])).toBeNull()
  })

  it('reads {output, metadata}, the text header form, and anything else as stdout', () => {
    expect(parseShellOutput('{"output":"ok","metadata":{"exit_code":3,"duration_seconds":1.234}}')).toEqual({
      stdout: 'ok',
      exitCode: 3,
      durationMs: 1234,
    })
    expect(parseShellOutput('Wall time: 0.5 seconds\nProcess exited with code 0\nOutput:\nline 1\nline 2')).toEqual({
      stdout: 'line 1\nline 2',
      exitCode: 0,
      durationMs: 500,
    })
    expect(parseShellOutput('[REDACTED_OUTPUT len=5 sha=1]')).toEqual({
      stdout: '[REDACTED_OUTPUT len=5 sha=1]',
      exitCode: null,
      durationMs: null,
    })
  })

  it('only tries JSON that can be an object or array', () => {
    expect(tryJson(' {"a": [1]} ')).toEqual({ a: [1] })
    expect(tryJson('[1, 2]')).toEqual([1, 2])
    expect(tryJson('[REDACTED]')).toBeUndefined()
    expect(tryJson('{broken')).toBeUndefined()
    expect(tryJson('plain')).toBeUndefined()
    // Surrounding whitespace is skipped; blank text is not JSON, nor is text JSON.parse refuses.
    expect(tryJson('\t {"b":1}\r\n ')).toEqual({ b: 1 })
    expect(tryJson('\u00a0{"b":1}')).toBeUndefined()
    expect(tryJson(' \n\t ')).toBeUndefined()
    expect(tryJson('')).toBeUndefined()
    expect(tryJson('{')).toBeUndefined()
  })

  it('lists the files an apply_patch envelope touches', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: docs/new.md',
      '+hello',
      '*** Update File: src/a.ts',
      '*** Move to: src/b.ts',
      '*** Delete File: old.txt',
      '*** Update File: src/a.ts',
      '*** End Patch',
    ].join('\n')
    expect(patchPaths(patch)).toEqual(['docs/new.md', 'src/a.ts', 'src/b.ts', 'old.txt'])
  })
})

describe('bounded text', () => {
  it('cuts long strings with a visible marker', () => {
    expect(truncateText('abcdef', 3)).toBe('abc… [3 more characters]')
    expect(oneLine('  one\n\ttwo   three ', 9)).toBe('one two …')
  })

  it('bounds payload strings, total text, depth and entries, and replaces NUL in keys and values', () => {
    const long = 'x'.repeat(MAX_PAYLOAD_STRING_LENGTH + 10)
    const many = Array.from({ length: 20 }, () => long)
    const bounded = boundedJson({ 'k\u0000': 'v\u0000', long, many }) as Record<string, unknown>
    expect(bounded['k\uFFFD']).toBe('v\uFFFD')
    expect(String(bounded.long)).toMatch(/… \[10 more characters\]$/)
    expect(JSON.stringify(bounded).length).toBeLessThan(MAX_PAYLOAD_TEXT_BUDGET + 10_000)

    let deep: unknown = 'bottom'
    for (let level = 0; level < MAX_PAYLOAD_DEPTH + 5; level++) deep = [deep]
    expect(JSON.stringify(boundedJson(deep))).toContain('[nested too deep]')

    const wide = boundedJson(Array.from({ length: MAX_PAYLOAD_ENTRIES + 3 }, (_, index) => index)) as unknown[]
    expect(wide).toHaveLength(MAX_PAYLOAD_ENTRIES + 1)
    expect(wide.at(-1)).toBe('[3 more items]')
    expect(boundedJson({ n: Number.NaN, u: undefined })).toEqual({ n: null })
  })

  it('normalises instants to ISO 8601 UTC', () => {
    expect(isoInstant('2026-03-02T10:00:00Z')).toBe('2026-03-02T10:00:00.000Z')
    expect(isoInstant('2026-03-02T11:00:00+01:00')).toBe('2026-03-02T10:00:00.000Z')
    expect(isoInstant(0)).toBe('1970-01-01T00:00:00.000Z')
    expect(isoInstant('yesterday')).toBeNull()
    expect(isoInstant(null)).toBeNull()
  })
})
