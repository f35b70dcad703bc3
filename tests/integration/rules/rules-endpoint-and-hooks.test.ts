import { describe, expect, it } from 'vitest'
import type { Database } from '../../../src/db/client'
import { users } from '../../../src/db/schema'
import { generateHookWithBacktest } from '../../../src/server/hookify/hook-backtest'
import { misalignmentsRepository } from '../../../src/server/repositories/misalignments-repository'
import { rulesSettled } from '../../../src/server/rules/after-ingest'
import { uploadSessionRules } from '../../../src/server/rules/rules-upload'
import { databaseForThisFile } from '../../helpers/database'
import { CODEX_SYNTHETIC, createAccount, fixtureBytes, ingestBytes, sessionsOf } from '../../helpers/ingest'
import { AGENTS_MD } from './rules-fixtures'

const testDb = databaseForThisFile()

async function accountWithSessions(db: Database, count = 1) {
  const account = await createAccount(db)
  const [user] = await db.insert(users).values({ accountId: account.id, displayName: 'Rules tester' }).returning()
  const text = fixtureBytes(CODEX_SYNTHETIC).toString('utf8')
  for (let i = 0; i < count; i++) {
    const log = text.replaceAll('019c38dc-6da6-70c2-b8bb-e2544936759c', crypto.randomUUID())
    await ingestBytes(db, account.id, Buffer.from(log), `acme-${i}.jsonl`)
  }
  const sessions = await sessionsOf(db, account.id)
  for (const session of sessions) await rulesSettled(session.id)
  return { account, user, sessions, principal: { accountId: account.id, userId: user.id } }
}

function post(sessionId: string, body: string, query = '') {
  return new Request(`http://localhost/api/sessions/${sessionId}/rules${query}`, { method: 'POST', body })
}

describe('POST /api/sessions/<id>/rules (handler)', () => {
  it('stores the markdown body as the session rules and re-runs detection', async () => {
    const { principal, sessions } = await accountWithSessions(testDb.db)
    const [session] = sessions
    const response = await uploadSessionRules(testDb.db, principal, {
      sessionId: session.id,
      request: post(session.id, AGENTS_MD, '?name=AGENTS.md'),
    })
    expect(response.status).toBe(201)
    expect(await response.json()).toMatchObject({
      sessionId: session.id,
      name: 'AGENTS.md',
      ruleCount: 10,
      checkableRules: 3,
      misalignments: 3,
    })
    const found = await misalignmentsRepository.listForSession(testDb.db, principal.accountId, session.id)
    expect(found).toHaveLength(3)
  })

  it('answers 4xx with a message for bad input, and 404 for another account’s session', async () => {
    const { principal, sessions } = await accountWithSessions(testDb.db)
    const stranger = await accountWithSessions(testDb.db)
    const [session] = sessions
    const cases: [string, Request, number, RegExp][] = [
      [session.id, post(session.id, ''), 400, /body is empty/],
      [session.id, post(session.id, '# Only a title\n'), 400, /holds no rules/],
      [session.id, post(session.id, AGENTS_MD, '?name=../../etc/passwd'), 400, /name parameter/],
      [session.id, post(session.id, 'x'.repeat(600 * 1024)), 413, /larger than 512 KiB/],
      ['not-a-uuid', post('not-a-uuid', AGENTS_MD), 404, /no such session/],
      [stranger.sessions[0].id, post(stranger.sessions[0].id, AGENTS_MD), 404, /no such session/],
    ]
    for (const [sessionId, request, status, message] of cases) {
      const response = await uploadSessionRules(testDb.db, principal, { sessionId, request })
      expect(response.status, String(message)).toBe(status)
      expect(((await response.json()) as { message: string }).message).toMatch(message)
    }
  })
})

describe('hooks that would have stopped it', () => {
  it('generates the hook files and backtests them over every session of the account', async () => {
    const { principal, sessions } = await accountWithSessions(testDb.db, 2)
    const [first] = sessions
    await uploadSessionRules(testDb.db, principal, { sessionId: first.id, request: post(first.id, AGENTS_MD) })
    const result = await generateHookWithBacktest(testDb.db, first, 'safety-never-force-push-git-push-force-rewrites')
    expect(result.hooks?.hookifyPath).toBe('.claude/hookify.safety-never-force-push-git-push-force-rewrites.local.md')
    // The synthetic session force-pushes three times; both sessions of the account are the same log.
    expect(result.backtest).toMatchObject({ firedEvents: 6, firedSessions: 2, scannedSessions: 2 })
    expect(result.backtest.samples[0]).toMatchObject({
      ordinal: 11,
      excerpt: 'git push --force origin feature/billing',
    })

    const none = await generateHookWithBacktest(testDb.db, first, 'network-do-not-call-production-endpoints-from')
    expect(none.hooks).toBeNull()
    await expect(generateHookWithBacktest(testDb.db, first, 'no-such-rule')).rejects.toThrow(/does not exist/)
  })
})
