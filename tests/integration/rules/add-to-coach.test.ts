import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { InstructionRule } from '../../../src/domain/rules/instruction-rule'
import { addToCoach } from '../../../src/server/hookify/add-to-coach'
import { agentRulesRepository } from '../../../src/server/repositories/agent-rules-repository'
import { hookifyDecisionsRepository } from '../../../src/server/repositories/hookify-decisions-repository'
import { misalignmentsRepository } from '../../../src/server/repositories/misalignments-repository'
import { databaseForThisFile } from '../../helpers/database'
import { seedAccountWithSession } from '../../helpers/seed'

const testDb = databaseForThisFile()

const rule = (overrides: Partial<InstructionRule>): InstructionRule => ({
  ruleId: 'rule',
  heading: 'Rule',
  summary: 'A rule',
  severity: 'medium',
  keywords: [],
  forbiddenCommands: [],
  requiredCommands: [],
  forbiddenPhrases: [],
  requiredPhrases: [],
  sourcePath: 'AGENTS.md',
  sourceLine: 1,
  ...overrides,
})

const RULES = [
  rule({
    ruleId: 'safety-never-force-push',
    heading: 'Safety: Never force-push',
    severity: 'high',
    forbiddenCommands: ['git push --force'],
  }),
  rule({ ruleId: 'style-avoid-wip-commits', heading: 'Style: Avoid wip commits', forbiddenPhrases: ['wip'] }),
]

async function sessionWithRules() {
  const seeded = await seedAccountWithSession(testDb.db)
  await agentRulesRepository.replaceRules(testDb.db, {
    accountId: seeded.account.id,
    sessionId: seeded.session.id,
    repoRoot: null,
    files: [{ sourcePath: 'AGENTS.md', sourceSha256: 'a'.repeat(64), rules: RULES }],
  })
  return seeded
}

describe('addToCoach (the hookify gate)', () => {
  it('answers severity none and prefills the content as is when the session has no rules', async () => {
    const { session } = await seedAccountWithSession(testDb.db)
    const result = await addToCoach(testDb.db, session, { source: 'session', content: 'git push --force' })
    expect(result).toMatchObject({ blocked: false, severity: 'none', rules: [], message: null })
    expect(result.prefill).toEqual({
      prompt: 'git push --force',
      metadata: {
        sessionId: session.id,
        source: 'session',
        decisionId: result.decisionId,
        severity: 'none',
        ruleIds: [],
      },
    })
    expect(result.txid).toBeGreaterThan(0)
  })

  it('blocks content that breaks a high rule, records the decision and gives no prefill', async () => {
    const { session, account } = await sessionWithRules()
    const content = 'Analyze this timeline event #12 (LocalShellCall):\n\n{"command": "git push --force origin main"}'
    const result = await addToCoach(testDb.db, session, {
      source: 'timeline',
      content,
      eventRange: { start: 11, end: 11 },
    })
    expect(result).toMatchObject({ blocked: true, severity: 'high', prefill: null })
    expect(result.rules).toEqual([
      expect.objectContaining({ id: 'safety-never-force-push', severity: 'high', matched: 'git push --force' }),
    ])
    const [decision] = await hookifyDecisionsRepository.listForSession(testDb.db, account.id, session.id)
    expect(decision).toMatchObject({
      id: result.decisionId,
      source: 'timeline',
      blocked: true,
      severity: 'high',
      rules: [{ id: 'safety-never-force-push', severity: 'high' }],
      contentHash: createHash('sha256').update(content).digest('hex'),
    })
    expect(decision.message).toContain('safety-never-force-push')
  })

  it('judges the content being added, not the rest of the session', async () => {
    const { session } = await sessionWithRules()
    const result = await addToCoach(testDb.db, session, { source: 'timeline', content: 'git status --short' })
    expect(result).toMatchObject({ blocked: false, severity: 'none' })
  })

  it('annotates content that breaks a lower rule and keeps the event range in the metadata', async () => {
    const { session } = await sessionWithRules()
    const result = await addToCoach(testDb.db, session, {
      source: 'manual',
      content: 'git commit -m "wip"',
      eventRange: { start: 3, end: 5 },
    })
    expect(result).toMatchObject({ blocked: false, severity: 'medium' })
    expect(result.prefill?.prompt).toMatch(
      /^## Hookify Alignment Notes \(source: manual\)\n\n1\. \[MEDIUM\] Style: Avoid wip/,
    )
    expect(result.prefill?.prompt.endsWith('\n\ngit commit -m "wip"')).toBe(true)
    expect(result.prefill?.metadata).toMatchObject({
      ruleIds: ['style-avoid-wip-commits'],
      eventRange: { start: 3, end: 5 },
    })
  })

  it('lets a remediation prompt for a high misalignment through, annotated, and refuses an unknown misalignment', async () => {
    const { session, account } = await sessionWithRules()
    const { misalignment } = await misalignmentsRepository.upsertDetected(testDb.db, {
      accountId: account.id,
      sessionId: session.id,
      ruleId: 'safety-never-force-push',
      title: 'Safety: Never force-push',
      summary: 'Never force-push',
      severity: 'high',
      evidence: [{ message: 'git push --force origin main', eventIndex: 11 }],
    })
    const content = 'Remediate AGENT rule safety-never-force-push. Evidence: git push --force origin main'
    const result = await addToCoach(testDb.db, session, { source: 'manual', content, misalignmentId: misalignment.id })
    expect(result).toMatchObject({ blocked: false, severity: 'none' })
    expect(result.prefill?.metadata.misalignmentId).toBe(misalignment.id)
    expect(result.prefill?.prompt).toContain('[HIGH] Safety: Never force-push')
    await expect(
      addToCoach(testDb.db, session, { source: 'manual', content, misalignmentId: 'misalignment_unknown' }),
    ).rejects.toThrow(/does not exist/)
  })
})
