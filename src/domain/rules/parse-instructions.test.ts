import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseInstructions, severityOf } from './parse-instructions'

const fixture = (name: string) =>
  readFileSync(new URL(`../../../tests/fixtures/rules/${name}`, import.meta.url), 'utf8')

describe('parseInstructions on the acme-api AGENTS.md', () => {
  const rules = parseInstructions(fixture('AGENTS.md'), 'AGENTS.md')
  const byLine = new Map(rules.map((rule) => [rule.sourceLine, rule]))

  it('makes one rule per bullet, named after its section, with its line and file', () => {
    expect(rules.map((rule) => rule.sourceLine)).toEqual([4, 5, 6, 9, 10, 11, 14, 15, 16, 19])
    expect(byLine.get(5)).toMatchObject({
      ruleId: 'safety-never-force-push-git-push-force-rewrites',
      heading: 'Safety: Never force-push: git push --force rewrites shared history',
      summary: 'Never force-push: `git push --force` rewrites shared history.',
      severity: 'high',
      sourcePath: 'AGENTS.md',
    })
    expect(new Set(rules.map((rule) => rule.ruleId)).size).toBe(rules.length)
  })

  it('takes the commands a rule forbids from the prohibited part and what it asks for from the rest', () => {
    const summary = rules.map((rule) => [rule.sourceLine, rule.severity, rule.forbiddenCommands, rule.requiredCommands])
    expect(summary).toEqual([
      [4, 'high', ['rm -rf'], []],
      [5, 'high', ['git push --force'], []],
      [6, 'high', ['--no-verify'], []],
      [9, 'info', [], ['pnpm test']],
      [10, 'medium', [], []],
      [11, 'info', [], []],
      [14, 'low', [], []],
      [15, 'low', [], []],
      [16, 'info', [], ['pnpm lint --fix']],
      [19, 'high', [], []],
    ])
  })

  it('keeps keywords without stop words', () => {
    expect(byLine.get(19)?.keywords).toEqual(
      expect.arrayContaining(['call', 'production', 'endpoints', 'local', 'scripts']),
    )
    expect(byLine.get(19)?.keywords).not.toContain('not')
  })
})

describe('parseInstructions on CLAUDE.md shapes', () => {
  const rules = parseInstructions(fixture('CLAUDE.md'), 'CLAUDE.md')
  const at = (line: number) => rules.find((rule) => rule.sourceLine === line)

  it('skips code fences, tables and comments, and reads paragraphs, numbered and nested items', () => {
    expect(rules.map((rule) => rule.sourceLine)).toEqual([3, 12, 13, 17, 19, 20, 22, 23])
    expect(rules.some((rule) => rule.forbiddenCommands.includes('git push --force'))).toBe(false)
  })

  it('reads emphasis, "instead" clauses, continuation lines and quoted phrases', () => {
    expect(at(17)).toMatchObject({
      severity: 'high',
      forbiddenCommands: ['generated/'],
      requiredCommands: ['pnpm codegen'],
    })
    expect(at(19)).toMatchObject({ severity: 'high', forbiddenCommands: ['npm install'] })
    expect(at(20)).toMatchObject({ severity: 'medium', forbiddenCommands: ['console.log'] })
    expect(at(20)?.summary).toContain('it ends up in production logs.')
    expect(at(22)).toMatchObject({ severity: 'medium', forbiddenCommands: ['git add -A'] })
    expect(at(23)).toMatchObject({ severity: 'high', forbiddenPhrases: ["You're absolutely right"] })
    expect(at(12)).toMatchObject({ severity: 'info', requiredCommands: ['pnpm build'] })
  })
})

describe('parseInstructions on a Cursor .mdc rule', () => {
  it('skips the front matter and keeps line numbers of the file', () => {
    const rules = parseInstructions(fixture('no-destructive-git.mdc'), '.cursor/rules/no-destructive-git.mdc')
    expect(
      rules.map((rule) => [rule.sourceLine, rule.severity, rule.forbiddenCommands, rule.requiredCommands]),
    ).toEqual([
      [9, 'high', ['git reset --hard'], []],
      [10, 'low', [], ['git switch', 'git checkout']],
    ])
    expect(rules[0].heading).toBe('Git safety: Never use git reset --hard on a branch…')
  })
})

describe('severityOf', () => {
  it('follows the wording', () => {
    expect(severityOf('NEVER do this')).toBe('high')
    expect(severityOf("Don't do that")).toBe('medium')
    expect(severityOf('Consider it')).toBe('low')
    expect(severityOf('Run the tests')).toBe('info')
  })
})
