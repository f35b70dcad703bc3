/**
 * What the timeline filters and searches on: the stored command family and sub-agent flag, the
 * migration that fills them for older rows, and in-session search (with its access check).
 */
import { readFileSync } from 'node:fs'
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { sessionMembers, timelineEvents, users } from '../../src/db/schema'
import { commandFamily } from '../../src/domain/agent-logs/command-family'
import { timelineConditions, timelineViewSchema } from '../../src/domain/timeline/timeline-view'
import { timelineMatchesRepository } from '../../src/server/repositories/timeline-matches-repository'
import { databaseForThisFile } from '../helpers/database'
import { CODEX_SYNTHETIC, createAccount, eventsOf, fixtureBytes, ingestBytes } from '../helpers/ingest'

const testDb = databaseForThisFile()
const CLAUDE_SIDECHAINS = 'claude-code/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl'
const conditionsOf = (view: Record<string, unknown>) => timelineConditions(timelineViewSchema.parse(view))

async function accountWithUser(name: string) {
  const account = await createAccount(testDb.db, name)
  const [user] = await testDb.db.insert(users).values({ accountId: account.id, displayName: name }).returning()
  return { account, user, principal: { accountId: account.id, userId: user.id } }
}

describe('stored command family and origin', () => {
  it('gives each shell event the family of its command and marks sub-agent events', async () => {
    const alice = await accountWithUser('Alice')
    const codex = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CODEX_SYNTHETIC))
    const claude = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CLAUDE_SIDECHAINS))

    const codexEvents = await eventsOf(testDb.db, codex.sessionId)
    const families = new Set(codexEvents.map((event) => event.commandFamily))
    expect(families).toEqual(new Set([null, 'git', 'remove', 'search', 'read', 'package', 'test', 'other']))
    for (const event of codexEvents) expect(event.commandFamily).toBe(commandFamily(event.command))

    const claudeEvents = await eventsOf(testDb.db, claude.sessionId)
    const sidechains = claudeEvents.filter((event) => event.sidechain)
    expect(sidechains.length).toBeGreaterThan(0)
    expect(sidechains.length).toBeLessThan(claudeEvents.length)
    for (const event of claudeEvents)
      expect(event.sidechain).toBe((event.payload as { sidechain?: boolean }).sidechain === true)
  })

  it('fills both for rows stored before the migration the way the ingest does', async () => {
    const alice = await accountWithUser('Alice')
    const codex = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CODEX_SYNTHETIC))
    const claude = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CLAUDE_SIDECHAINS))
    const sessionIds = [codex.sessionId, claude.sessionId]
    const before = [...(await eventsOf(testDb.db, codex.sessionId)), ...(await eventsOf(testDb.db, claude.sessionId))]

    const migration = readFileSync(
      new URL('../../drizzle/0010_timeline_command_family_and_sidechain.sql', import.meta.url),
      'utf8',
    )
    const backfill = migration
      .split('--> statement-breakpoint')
      .filter((statement) => /^\s*(--.*\n)*\s*(UPDATE|WITH)/.test(statement))
    expect(backfill).toHaveLength(2)
    await testDb.db.transaction(async (tx) => {
      for (const sessionId of sessionIds)
        await tx
          .update(timelineEvents)
          .set({ commandFamily: null, sidechain: false })
          .where(eq(timelineEvents.sessionId, sessionId))
      for (const statement of backfill) await tx.execute(sql.raw(statement))
    })

    const after = [...(await eventsOf(testDb.db, codex.sessionId)), ...(await eventsOf(testDb.db, claude.sessionId))]
    const summary = (rows: typeof before) => rows.map((row) => [row.command, row.commandFamily, row.sidechain])
    expect(summary(after)).toEqual(summary(before))
  })
})

describe('in-session search', () => {
  it('finds the events whose texts contain the words, within the view', async () => {
    const alice = await accountWithUser('Alice')
    const { sessionId } = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CODEX_SYNTHETIC))
    const events = await eventsOf(testDb.db, sessionId)
    const pushes = events.filter((event) => event.command?.includes('git push')).map((event) => event.ordinal)
    expect(pushes.length).toBeGreaterThan(1)

    const all = await timelineMatchesRepository.findMatchingOrdinals(
      testDb.db,
      alice.principal,
      sessionId,
      'GIT PUSH',
      conditionsOf({}),
    )
    expect(all).toEqual({ ordinals: pushes, truncated: false })

    const fromSecond = await timelineMatchesRepository.findMatchingOrdinals(
      testDb.db,
      alice.principal,
      sessionId,
      'git push',
      conditionsOf({ from: pushes[1] + 1 }),
    )
    expect(fromSecond.ordinals).toEqual(pushes.slice(1))

    const messagesOnly = await timelineMatchesRepository.findMatchingOrdinals(
      testDb.db,
      alice.principal,
      sessionId,
      'git push',
      conditionsOf({ filter: 'messages', family: 'git' }),
    )
    expect(messagesOnly.ordinals).toEqual([])

    const wildcards = await timelineMatchesRepository.findMatchingOrdinals(
      testDb.db,
      alice.principal,
      sessionId,
      '%',
      conditionsOf({}),
    )
    const withPercent = events.filter((event) =>
      [event.summary, event.name, event.command, event.path].some((text) => text?.includes('%')),
    )
    expect(wildcards.ordinals).toEqual(withPercent.map((event) => event.ordinal))
  })

  it("never finds another account's events, unless the session is shared with the caller", async () => {
    const alice = await accountWithUser('Alice')
    const bob = await accountWithUser('Bob')
    const alices = await ingestBytes(testDb.db, alice.account.id, fixtureBytes(CODEX_SYNTHETIC))
    const bobs = await ingestBytes(testDb.db, bob.account.id, fixtureBytes(CODEX_SYNTHETIC))
    expect(bobs.sessionId).not.toBe(alices.sessionId)
    const search = (principal: { accountId: string; userId: string }, sessionId: string) =>
      timelineMatchesRepository.findMatchingOrdinals(testDb.db, principal, sessionId, 'git', conditionsOf({}))

    expect((await search(alice.principal, alices.sessionId)).ordinals.length).toBeGreaterThan(0)
    expect(await search(bob.principal, alices.sessionId)).toEqual({ ordinals: [], truncated: false })
    expect(await search(alice.principal, bobs.sessionId)).toEqual({ ordinals: [], truncated: false })

    await testDb.db.insert(sessionMembers).values({ sessionId: alices.sessionId, userId: bob.user.id, role: 'viewer' })
    expect(await search(bob.principal, alices.sessionId)).toEqual(await search(alice.principal, alices.sessionId))
  })
})
