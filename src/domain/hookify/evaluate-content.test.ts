import { describe, expect, it } from 'vitest'
import { evaluateContent, type GateRule } from './evaluate-content'

const rule = (overrides: Partial<GateRule>): GateRule => ({
  ruleId: 'rule',
  heading: 'Rule',
  summary: 'A rule',
  severity: 'medium',
  forbiddenCommands: [],
  forbiddenPhrases: [],
  ...overrides,
})

const forcePush = rule({
  ruleId: 'safety-never-force-push',
  heading: 'Safety: Never force-push',
  summary: 'Never force-push: `git push --force` rewrites shared history.',
  severity: 'high',
  forbiddenCommands: ['git push --force'],
})
const lint = rule({
  ruleId: 'style-avoid-eslint-disable',
  heading: 'Style: Avoid eslint-disable',
  severity: 'medium',
  forbiddenPhrases: ['eslint-disable'],
})

describe('evaluateContent', () => {
  it('answers none without rules or without a match', () => {
    expect(evaluateContent([], 'git push --force', 'timeline')).toEqual({
      severity: 'none',
      blocked: false,
      rules: [],
      message: null,
      annotations: null,
    })
    expect(evaluateContent([forcePush], 'git status', 'timeline').severity).toBe('none')
  })

  it('blocks on a high rule with a message naming the rule and what matched', () => {
    const result = evaluateContent([lint, forcePush], 'ran git push --force origin main', 'timeline')
    expect(result).toMatchObject({ severity: 'high', blocked: true })
    expect(result.rules.map((hit) => hit.id)).toEqual(['safety-never-force-push'])
    expect(result.message).toContain('safety-never-force-push')
    expect(result.message).toContain('git push --force')
  })

  it('annotates on lower severities, most severe first', () => {
    const low = rule({ ruleId: 'low-one', severity: 'low', forbiddenPhrases: ['todo later'] })
    const result = evaluateContent([low, lint], 'todo later: drop the eslint-disable', 'manual')
    expect(result).toMatchObject({ severity: 'medium', blocked: false })
    expect(result.rules.map((hit) => hit.id)).toEqual(['style-avoid-eslint-disable', 'low-one'])
    expect(result.annotations).toMatch(/^## Hookify Alignment Notes \(source: manual\)\n\n1\. \[MEDIUM\]/)
    expect(result.annotations).toContain('2. [LOW]')
  })

  it('never counts info rules or rules without patterns', () => {
    const info = rule({ severity: 'info', forbiddenCommands: ['git push --force'] })
    const vague = rule({ severity: 'critical' })
    expect(evaluateContent([info, vague], 'git push --force', 'session').severity).toBe('none')
  })

  it('names at most five rules', () => {
    const many = Array.from({ length: 7 }, (_, i) => rule({ ruleId: `r${i}`, forbiddenPhrases: ['deploy'] }))
    expect(evaluateContent(many, 'deploy now', 'session').rules).toHaveLength(5)
  })

  it('lets a remediation prompt through for the rule it remediates, but not for other rules', () => {
    const remediating = new Set(['safety-never-force-push'])
    const own = evaluateContent([forcePush], 'Remediate: git push --force origin main', 'manual', remediating)
    expect(own).toMatchObject({ severity: 'none', blocked: false })
    expect(own.rules.map((hit) => hit.id)).toEqual(['safety-never-force-push'])
    expect(own.message).toBe('Remediating rule safety-never-force-push (Safety: Never force-push).')
    const rmRule = { ...forcePush, ruleId: 'no-rm', forbiddenCommands: ['rm -rf'] }
    const other = evaluateContent([forcePush, rmRule], 'git push --force; rm -rf dist', 'manual', remediating)
    expect(other).toMatchObject({ severity: 'high', blocked: true })
    expect(other.message).toContain('no-rm')
  })
})
