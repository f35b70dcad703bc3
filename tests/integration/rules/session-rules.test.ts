import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Database } from '../../../src/db/client'
import { agentRulesRepository } from '../../../src/server/repositories/agent-rules-repository'
import { VersionConflictError } from '../../../src/server/repositories/errors'
import { misalignmentsRepository } from '../../../src/server/repositories/misalignments-repository'
import { sessionRepoBindingsRepository } from '../../../src/server/repositories/session-repo-bindings-repository'
import { rulesSettled } from '../../../src/server/rules/after-ingest'
import { detectSessionMisalignments } from '../../../src/server/rules/detect-session'
import {
  bindSessionRepository,
  clearSessionRepository,
  storeInstructionFile,
} from '../../../src/server/rules/session-rules'
import { databaseForThisFile } from '../../helpers/database'
import { createAccount, ingestBytes, sessionsOf } from '../../helpers/ingest'
import { AGENTS_MD, FIRED, SESSION_LOG } from './rules-fixtures'

const testDb = databaseForThisFile({ maxConnections: 20 })

const scratch = mkdtempSync(join(tmpdir(), 'rules-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A fresh account with the acme-api session ingested; `cwd` replaces the log's working folder. */
async function ingestAcme(db: Database, cwd?: string) {
  const account = await createAccount(db)
  const text = cwd ? SESSION_LOG.replaceAll('/home/dev/projects/acme-api', cwd) : SESSION_LOG
  // A unique session id per account keeps the sessions apart.
  const log = text.replaceAll('019c38dc-6da6-70c2-b8bb-e2544936759c', crypto.randomUUID())
  await ingestBytes(db, account.id, Buffer.from(log), 'synthetic-acme-api.jsonl')
  const [session] = await sessionsOf(db, account.id)
  await rulesSettled(session.id)
  return { account, session }
}

const firedRules = async (accountId: string, sessionId: string) =>
  (await misalignmentsRepository.listForSession(testDb.db, accountId, sessionId)).map((m) => m.ruleId).sort()

describe('rules from a pasted instruction file', () => {
  it('stores the rules with their file and line and detects exactly the three safety misalignments', async () => {
    const { account, session } = await ingestAcme(testDb.db)
    const change = await storeInstructionFile(testDb.db, session, { name: 'AGENTS.md', markdown: AGENTS_MD })
    expect(change).toMatchObject({ ruleCount: 10, checkableRules: 3, misalignments: 3 })
    const rules = await agentRulesRepository.listForSession(testDb.db, account.id, session.id)
    expect(rules.find((rule) => rule.sourceLine === 5)).toMatchObject({
      ruleId: 'safety-never-force-push-git-push-force-rewrites',
      sourcePath: 'AGENTS.md',
      repoRoot: null,
      severity: 'high',
      forbiddenCommands: ['git push --force'],
    })
    expect(await firedRules(account.id, session.id)).toEqual(FIRED)
    const forcePush = (await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)).find(
      (m) => m.ruleId === 'safety-never-force-push-git-push-force-rewrites',
    )
    expect(forcePush?.eventRange).toMatchObject({ startIndex: 11, endIndex: 53 })
  })

  it('refuses a file without rules with a reason', async () => {
    const { session } = await ingestAcme(testDb.db)
    await expect(storeInstructionFile(testDb.db, session, { name: 'empty.md', markdown: '# Title\n' })).rejects.toThrow(
      /holds no rules/,
    )
  })

  it('re-detection refreshes evidence but keeps acknowledge and dismiss, and does not bump unchanged rows', async () => {
    const { account, session } = await ingestAcme(testDb.db)
    await storeInstructionFile(testDb.db, session, { name: 'AGENTS.md', markdown: AGENTS_MD })
    const [first, second] = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    await misalignmentsRepository.changeStatus(testDb.db, {
      accountId: account.id,
      id: first.id,
      status: 'acknowledged',
      expectedVersion: first.version,
    })
    await misalignmentsRepository.changeStatus(testDb.db, {
      accountId: account.id,
      id: second.id,
      status: 'dismissed',
      expectedVersion: second.version,
    })
    const before = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    await detectSessionMisalignments(testDb.db, session)
    const after = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    expect(after.map((m) => [m.id, m.status, m.version])).toEqual(before.map((m) => [m.id, m.status, m.version]))
    expect(after.find((m) => m.id === first.id)?.status).toBe('acknowledged')
    expect(after.find((m) => m.id === second.id)?.status).toBe('dismissed')

    // A more forbidding file changes the evidence: the status still stays.
    await storeInstructionFile(testDb.db, session, {
      name: 'AGENTS.md',
      markdown: AGENTS_MD.replace('without asking the user first.', 'ever.'),
    })
    const refreshed = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    expect(refreshed.find((m) => m.id === first.id)?.status).toBe('acknowledged')
    expect(refreshed.find((m) => m.id === second.id)?.status).toBe('dismissed')
  })

  it('two devices acknowledging at once: one wins, the other gets a version conflict', async () => {
    const { account, session } = await ingestAcme(testDb.db)
    await storeInstructionFile(testDb.db, session, { name: 'AGENTS.md', markdown: AGENTS_MD })
    const [target] = await misalignmentsRepository.listForSession(testDb.db, account.id, session.id)
    const attempts = await Promise.allSettled(
      ['acknowledged', 'dismissed'].map((status) =>
        misalignmentsRepository.changeStatus(testDb.db, {
          accountId: account.id,
          id: target.id,
          status: status as 'acknowledged' | 'dismissed',
          expectedVersion: target.version,
        }),
      ),
    )
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1)
    const [rejected] = attempts.filter((a) => a.status === 'rejected') as PromiseRejectedResult[]
    expect(rejected.reason).toBeInstanceOf(VersionConflictError)
    expect(String(rejected.reason.message)).toMatch(/changed by someone else.*Reload it and try again/)
  })
})

describe('repository binding', () => {
  function makeRepo(name: string) {
    const root = join(scratch, name)
    mkdirSync(join(root, '.git'), { recursive: true })
    mkdirSync(join(root, '.cursor', 'rules'), { recursive: true })
    mkdirSync(join(root, 'packages', 'api'), { recursive: true })
    mkdirSync(join(root, 'node_modules', 'dep'), { recursive: true })
    writeFileSync(join(root, 'AGENTS.md'), AGENTS_MD)
    writeFileSync(join(root, 'packages', 'api', 'AGENTS.md'), AGENTS_MD) // byte-identical: read once
    writeFileSync(join(root, 'node_modules', 'dep', 'CLAUDE.md'), '- Never run `ls`.\n')
    writeFileSync(
      join(root, '.cursor', 'rules', 'git.mdc'),
      '---\nalwaysApply: true\n---\n- Never use `git reset --hard`.\n',
    )
    return root
  }

  it('binds a new session automatically from its cwd during ingest and reads every instruction file', async () => {
    const root = makeRepo('acme-auto')
    const { account, session } = await ingestAcme(testDb.db, join(root, 'packages', 'api'))
    const binding = await sessionRepoBindingsRepository.findBinding(testDb.db, account.id, session.id)
    expect(binding?.rootDir).toBe(root)
    const rules = await agentRulesRepository.listForSession(testDb.db, account.id, session.id)
    expect([...new Set(rules.map((rule) => rule.sourcePath))].sort()).toEqual(['.cursor/rules/git.mdc', 'AGENTS.md'])
    expect(rules.every((rule) => rule.repoRoot === root)).toBe(true)
    expect(await firedRules(account.id, session.id)).toEqual(FIRED)
  })

  it('refuses folders outside the allowed roots and folders that do not exist, with the reason', async () => {
    const { session } = await ingestAcme(testDb.db)
    const root = makeRepo('acme-policy')
    const policy = { allowedRoots: [join(scratch, 'elsewhere')], allowAnywhere: true }
    await expect(bindSessionRepository(testDb.db, session, root, policy)).rejects.toThrow(/outside the folders/)
    await expect(bindSessionRepository(testDb.db, session, join(scratch, 'missing'))).rejects.toThrow(
      /does not exist on this server/,
    )
    await expect(bindSessionRepository(testDb.db, session, null)).rejects.toThrow(/does not exist/)
  })

  it('clearing the binding drops the repository rules but keeps pasted ones', async () => {
    const { account, session } = await ingestAcme(testDb.db)
    const root = makeRepo('acme-clear')
    await bindSessionRepository(testDb.db, session, root)
    await storeInstructionFile(testDb.db, session, { name: 'extra.md', markdown: '- Never run `make deploy`.\n' })
    await clearSessionRepository(testDb.db, session)
    const rules = await agentRulesRepository.listForSession(testDb.db, account.id, session.id)
    expect(rules.map((rule) => rule.sourcePath)).toEqual(['extra.md'])
    expect(await sessionRepoBindingsRepository.findBinding(testDb.db, account.id, session.id)).toBeUndefined()
  })
})
