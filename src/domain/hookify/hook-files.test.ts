import { describe, expect, it } from 'vitest'
import { commandPattern, generateHooks } from './hook-files'

const forcePush = {
  ruleId: 'safety-never-force-push-git-push-force-rewrites',
  heading: 'Safety: Never force-push',
  summary: "Never force-push: `git push --force` rewrites shared history (don't).",
  severity: 'high' as const,
  forbiddenCommands: ['git push --force'],
}

describe('commandPattern', () => {
  it('matches what the detector matches and not the near misses (python dialect, as hookify runs it)', () => {
    const push = new RegExp(commandPattern('git push --force', 'python'))
    expect(push.test('git push --force origin main')).toBe(true)
    expect(push.test('cd x && git push origin main --force')).toBe(true)
    expect(push.test('git push --force-with-lease')).toBe(false)
    expect(push.test('git push origin main')).toBe(false)
    const rm = new RegExp(commandPattern('rm -rf', 'python'))
    expect(rm.test('rm -rf dist')).toBe(true)
    expect(rm.test('sudo rm -fr /tmp/x')).toBe(true)
    expect(rm.test('rm -r dist')).toBe(false)
    expect(rm.test('confirm -rf')).toBe(false)
  })
})

describe('generateHooks', () => {
  it('writes a hookify rule file that blocks a high rule and a PreToolUse hooks entry', () => {
    const hooks = generateHooks(forcePush)
    expect(hooks?.hookifyPath).toBe('.claude/hookify.safety-never-force-push-git-push-force-rewrites.local.md')
    expect(hooks?.hookifyFile).toMatch(
      /^---\nname: safety-never-force-push-git-push-force-rewrites\nenabled: true\nevent: bash\npattern: ".+"\naction: block\n---\n/,
    )
    const parsed = JSON.parse(hooks?.hooksJson ?? '{}')
    const entry = parsed.hooks.PreToolUse[0]
    expect(entry.matcher).toBe('Bash')
    expect(entry.hooks[0].type).toBe('command')
    expect(entry.hooks[0].command).toContain("jq -r '.tool_input.command // empty' | grep -Eq '")
    expect(entry.hooks[0].command).toContain(`don'"'"'t`)
    expect(entry.hooks[0].command).toMatch(/exit 2; } \|\| exit 0$/)
  })

  it('warns for lower severities and gives nothing for a rule without commands', () => {
    expect(generateHooks({ ...forcePush, severity: 'medium' })?.hookifyFile).toContain('action: warn')
    expect(generateHooks({ ...forcePush, forbiddenCommands: [] })).toBeNull()
  })
})
