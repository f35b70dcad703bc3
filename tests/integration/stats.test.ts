/** The stats aggregates (docs/stats.md) against real Postgres, on real parsed logs; never another account's rows. */
import { describe, expect, it } from 'vitest'
import { statsRepository } from '../../src/server/repositories/stats-repository'
import { databaseForThisFile } from '../helpers/database'
import {
  CODEX_SMALL,
  CODEX_SYNTHETIC,
  createAccount,
  eventsOf,
  fixtureBytes,
  ingestBytes,
  sessionsOf,
} from '../helpers/ingest'

const testDb = databaseForThisFile()
const TOOL_TYPES = new Set(['FunctionCall', 'LocalShellCall', 'WebSearchCall', 'CustomToolCall', 'FileChange'])
const SYNTHETIC_ID = '019c38dc-6da6-70c2-b8bb-e2544936759c'

/** The synthetic rollout under another session id (and, optionally, another repository). */
function syntheticCopy(id: string, repo = 'acme/acme-api') {
  return Buffer.from(
    fixtureBytes(CODEX_SYNTHETIC).toString('utf8').replaceAll(SYNTHETIC_ID, id).replaceAll('acme/acme-api', repo),
  )
}

async function seed() {
  const alice = await createAccount(testDb.db, 'Alice')
  const bob = await createAccount(testDb.db, 'Bob')
  const synthetic = await ingestBytes(testDb.db, alice.id, fixtureBytes(CODEX_SYNTHETIC), 'synthetic.jsonl')
  const small = await ingestBytes(testDb.db, alice.id, fixtureBytes(CODEX_SMALL), 'small.jsonl')
  // Bob's sessions are on the same days, with more events: any leak would show in Alice's numbers.
  await ingestBytes(testDb.db, bob.id, syntheticCopy('00000000-0000-4000-8000-00000000b0b1', 'bob/private'), 'b1.jsonl')
  await ingestBytes(testDb.db, bob.id, syntheticCopy('00000000-0000-4000-8000-00000000b0b2', 'bob/private'), 'b2.jsonl')
  return { alice, bob, syntheticId: synthetic.sessionId, smallId: small.sessionId }
}

describe('account stats', () => {
  it("counts the caller's sessions only, per day, week, repository and agent", async () => {
    const { alice, bob, syntheticId, smallId } = await seed()
    const syntheticEvents = await eventsOf(testDb.db, syntheticId)
    const smallEvents = await eventsOf(testDb.db, smallId)
    const sessions = await sessionsOf(testDb.db, alice.id)
    const tokenTotal = sessions.reduce((sum, session) => sum + session.inputTokens + session.outputTokens, 0)

    const stats = await statsRepository.getAccountStats(testDb.db, {
      accountId: alice.id,
      timeZone: 'UTC',
      today: '2026-03-04',
    })

    expect(stats.summary).toMatchObject({
      sessions: 2,
      liveSessions: 0,
      events: syntheticEvents.length + smallEvents.length,
      tokens: tokenTotal,
      repositories: 2,
    })
    // 53 weeks, Monday first, ending today (a Wednesday).
    expect(stats.firstDay).toBe('2025-03-03')
    expect(stats.lastDay).toBe('2026-03-04')
    expect(stats.days).toHaveLength(52 * 7 + 3)
    expect(stats.weeks).toHaveLength(53)

    const day = (date: string) => stats.days.find((entry) => entry.day === date)
    expect(day('2026-03-02')).toMatchObject({
      events: syntheticEvents.length,
      toolCalls: syntheticEvents.filter((event) => TOOL_TYPES.has(event.type)).length,
      sessions: 1,
      activeHours: 1,
      sessionsStarted: 1,
    })
    expect(day('2026-02-23')).toMatchObject({ events: smallEvents.length, sessions: 1, sessionsStarted: 1 })
    expect(day('2026-03-03')).toMatchObject({ events: 0, sessions: 0, tokens: 0 })
    // Every token is counted once, on the days it was used.
    expect(stats.days.reduce((sum, entry) => sum + entry.tokens, 0)).toBe(tokenTotal)
    expect((day('2026-03-02')?.tokens ?? 0) + (day('2026-02-23')?.tokens ?? 0)).toBe(tokenTotal)

    const week = stats.weeks.find((entry) => entry.week === '2026-03-02')
    expect(week).toMatchObject({ events: syntheticEvents.length, activeHours: 1 })
    expect(week?.eventsPerActiveHour).toBe(syntheticEvents.length)
    expect(stats.weeks.reduce((sum, entry) => sum + entry.events, 0)).toBe(stats.summary.events)
    expect(stats.weeks.find((entry) => entry.events === 0)?.eventsPerActiveHour).toBeNull()

    expect(stats.repositories.map(({ key, sessions, events }) => ({ key, sessions, events }))).toEqual([
      { key: 'acme/acme-api', sessions: 1, events: syntheticEvents.length },
      { key: sessions.find((session) => session.id === smallId)?.repoName, sessions: 1, events: smallEvents.length },
    ])
    expect(stats.agents).toEqual([
      expect.objectContaining({ key: 'codex', sessions: 2, events: stats.summary.events, tokens: tokenTotal }),
    ])
    expect(JSON.stringify(stats)).not.toContain('bob/private')

    const forBob = await statsRepository.getAccountStats(testDb.db, {
      accountId: bob.id,
      timeZone: 'UTC',
      today: '2026-03-04',
    })
    expect(forBob.summary.sessions).toBe(2)
    expect(forBob.days.find((entry) => entry.day === '2026-03-02')?.sessions).toBe(2)
    expect(forBob.days.find((entry) => entry.day === '2026-02-23')?.events).toBe(0)
  })

  it("buckets days in the caller's time zone", async () => {
    const alice = await createAccount(testDb.db, 'Night owl')
    await ingestBytes(testDb.db, alice.id, fixtureBytes(CODEX_SMALL), 'small.jsonl')
    // 19:34 UTC on 23 February is 08:34 on the 24th in Auckland (UTC+13).
    const stats = await statsRepository.getAccountStats(testDb.db, {
      accountId: alice.id,
      timeZone: 'Pacific/Auckland',
      today: '2026-03-04',
    })
    expect(stats.days.find((entry) => entry.day === '2026-02-23')?.events).toBe(0)
    expect(stats.days.find((entry) => entry.day === '2026-02-24')?.events).toBeGreaterThan(0)
  })

  it('an account without sessions has zeros, not errors', async () => {
    const empty = await createAccount(testDb.db, 'Empty')
    const stats = await statsRepository.getAccountStats(testDb.db, { accountId: empty.id, timeZone: 'Europe/Berlin' })
    expect(stats.summary).toMatchObject({ sessions: 0, events: 0, tokens: 0, firstActivityAt: null })
    expect(stats.days.every((entry) => entry.events === 0)).toBe(true)
    expect(stats.repositories).toEqual([])
  })
})

describe('session stats', () => {
  it('tools, command families, durations, failures, files and tokens of one session', async () => {
    const { alice, bob, syntheticId } = await seed()
    const events = await eventsOf(testDb.db, syntheticId)
    const [session] = (await sessionsOf(testDb.db, alice.id)).filter((row) => row.id === syntheticId)
    const tools = events.filter((event) => TOOL_TYPES.has(event.type))

    const stats = await statsRepository.getSessionStats(testDb.db, { id: syntheticId, accountId: alice.id })

    expect(stats.summary).toMatchObject({
      events: events.length,
      messages: events.filter((event) => event.type === 'Message').length,
      toolCalls: tools.length,
      failures: 1,
      toolMs: tools.reduce((sum, event) => sum + (event.durationMs ?? 0), 0),
      filesTouched: 1,
    })
    expect(stats.tools.reduce((sum, tool) => sum + tool.calls, 0)).toBe(tools.length)
    expect(stats.tools[0]).toMatchObject({ tool: 'exec_command', type: 'LocalShellCall', failures: 1 })

    const family = (name: string) => stats.commands.find((command) => command.family === name)
    expect(family('git push')).toMatchObject({ runs: 3, failures: 0 })
    expect(family('pnpm test')).toMatchObject({ runs: 1, failures: 1 })
    expect(family('rg')?.runs).toBe(events.filter((event) => event.command?.startsWith('rg ')).length)

    expect(stats.failures).toEqual([
      expect.objectContaining({ tool: 'exec_command', command: 'pnpm test -- billing', exitCode: 1 }),
    ])
    expect(events[stats.failures[0].ordinal].command).toBe('pnpm test -- billing')
    expect(stats.durations.map((bucket) => bucket.label)).toEqual(['< 1 s', '1–10 s', '10–60 s', '1–5 min', '≥ 5 min'])
    expect(stats.durations.reduce((sum, bucket) => sum + bucket.calls, 0)).toBe(
      tools.filter((event) => event.durationMs !== null).length,
    )
    expect(stats.files).toEqual([
      { path: 'src/lib/retry.ts', changes: events.filter((e) => e.type === 'FileChange').length, lastOrdinal: 101 },
    ])

    expect(stats.activity).toHaveLength(40)
    const counted = stats.activity.reduce((sum, bucket) => sum + bucket.messages + bucket.toolCalls + bucket.other, 0)
    expect(counted).toBe(events.filter((event) => event.at !== null).length)

    // Running totals grow, and the last point is the session's own totals.
    const last = stats.tokens.at(-1)
    expect(last).toMatchObject({ ordinal: null, input: session.inputTokens, output: session.outputTokens })
    for (let index = 1; index < stats.tokens.length; index++) {
      expect(stats.tokens[index].input).toBeGreaterThanOrEqual(stats.tokens[index - 1].input)
    }

    // Scoped to the session's account too: another account id finds nothing.
    const elsewhere = await statsRepository.getSessionStats(testDb.db, { id: syntheticId, accountId: bob.id })
    expect(elsewhere.summary.events).toBe(0)
    expect(elsewhere.tools).toEqual([])
    expect(elsewhere.tokens).toEqual([])
  })
})
