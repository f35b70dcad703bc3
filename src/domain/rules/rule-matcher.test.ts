import { describe, expect, it } from 'vitest'
import { findCommand, findPhrase, findViolation } from './rule-matcher'

describe('findCommand', () => {
  it('matches the command words in order within one shell segment', () => {
    expect(findCommand('git push --force', 'git push --force origin feature/billing')).toBe(
      'git push --force origin feature/billing',
    )
    expect(findCommand('git push --force', 'git push origin main --force')).not.toBeNull()
    expect(findCommand('rm -rf', 'cd app && rm -rf dist node_modules/.cache')).toBe('rm -rf dist node_modules/.cache')
    expect(findCommand('--no-verify', 'git commit -m "wip" --no-verify')).not.toBeNull()
  })

  it('treats a short-flag cluster as a set of letters', () => {
    expect(findCommand('rm -rf', 'rm -fr build')).not.toBeNull()
    expect(findCommand('rm -rf', 'rm -r build')).toBeNull()
  })

  it('does not match a longer flag, another segment, or words too far apart', () => {
    expect(findCommand('git push --force', 'git push --force-with-lease')).toBeNull()
    expect(findCommand('--no-verify', 'git commit --no-verifyx')).toBeNull()
    expect(findCommand('git push --force', 'git push origin main; echo --force')).toBeNull()
    expect(
      findCommand('git push --force', 'git push is what we did and then many many many words later --force'),
    ).toBeNull()
    expect(findCommand('rm -rf', 'confirm -rf')).toBeNull()
  })

  it('finds commands inside JSON and prose', () => {
    expect(findCommand('git push --force', '{\n  "command": "git push --force origin main"\n}')).not.toBeNull()
    expect(findCommand('rm -rf', 'Then I ran `rm -rf dist` to clean up.')).not.toBeNull()
  })
})

describe('findPhrase', () => {
  it('matches whole words case-insensitively with any whitespace', () => {
    expect(findPhrase("you're absolutely right", "Yes, You're   absolutely right about that")).not.toBeNull()
    expect(findPhrase('production endpoint', 'called the production endpoints')).toBeNull()
  })
})

describe('findViolation', () => {
  it('reports the first forbidden command, then phrases', () => {
    const rule = { forbiddenCommands: ['git push --force'], forbiddenPhrases: ['skip the hooks'] }
    expect(findViolation(rule, 'git push --force')).toMatchObject({ kind: 'command', pattern: 'git push --force' })
    expect(findViolation(rule, 'I will skip the hooks')).toMatchObject({ kind: 'phrase', pattern: 'skip the hooks' })
    expect(findViolation(rule, 'git status')).toBeNull()
  })
})
