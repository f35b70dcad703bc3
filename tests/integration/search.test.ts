/** Cross-session search: ranked, highlighted, index-backed, and never another account's events. */
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { TimelineEventDraft } from '../../src/domain/agent-logs/types'
import { HIGHLIGHT_START, HIGHLIGHT_STOP, parseHighlights } from '../../src/domain/search/search-query'
import {
  RANKED_CANDIDATES,
  searchEventsStatement,
  searchRepository,
} from '../../src/server/repositories/search-repository'
import { timelineEventsRepository } from '../../src/server/repositories/timeline-events-repository'
import { databaseForThisFile } from '../helpers/database'
import { eventDraft } from '../helpers/event-draft'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

function draft(ordinal: number, fields: Partial<TimelineEventDraft>): TimelineEventDraft {
  return eventDraft(ordinal, { at: new Date(Date.UTC(2026, 1, 1, 12, 0, ordinal)).toISOString(), ...fields })
}

async function seedEvents(name: string, events: TimelineEventDraft[]) {
  const seeded = await seedAccountWithSession(testDb.db, name)
  await timelineEventsRepository.upsertEvents(
    testDb.db,
    { sessionId: seeded.session.id, accountId: seeded.account.id },
    events,
  )
  return seeded
}

const search = (accountId: string, query: string, offset = 0, limit = 30) =>
  searchRepository.searchEvents(testDb.db, accountId, { query, offset, limit })

describe('searchEvents', () => {
  it("finds the caller's events, best first, and never another account's", async () => {
    const alice = await seedEvents('Alice', [
      draft(0, { summary: 'Why is the invoices pagination broken?' }),
      draft(1, { type: 'LocalShellCall', role: 'assistant', command: 'rg -n paginate src', summary: 'Shell rg' }),
      draft(2, { summary: 'invoices invoices pagination pagination: the pagination of invoices again' }),
      draft(3, { summary: 'Unrelated weather chat' }),
    ])
    const bob = await seedEvents('Bob', [draft(0, { summary: 'Bob also has invoices pagination secrets' })])

    const forAlice = await search(alice.account.id, 'invoices pagination')
    expect(forAlice.hits.map((hit) => hit.ordinal)).toEqual([2, 0])
    expect(forAlice.hits.every((hit) => hit.sessionId === alice.session.id)).toBe(true)
    expect(forAlice.hits[0]).toMatchObject({
      sessionTitle: 'A test session',
      origin: 'codex',
      type: 'Message',
      at: '2026-02-01T12:00:02.000Z',
    })
    expect(forAlice.hits[0].rank).toBeGreaterThan(forAlice.hits[1].rank)
    expect(JSON.stringify(forAlice)).not.toContain('secrets')

    const forBob = await search(bob.account.id, 'invoices')
    expect(forBob.hits.map((hit) => [hit.sessionId, hit.ordinal])).toEqual([[bob.session.id, 0]])

    // Even a search row planted with Bob's account for Alice's event (the triggers never write
    // one) finds nothing for Bob: every hit is joined back to its event and session under his account.
    await testDb.db.execute(sql`
      insert into timeline_event_search (session_id, ordinal, account_id, at, document)
      values (${alice.session.id}, 3, ${bob.account.id}, now(), to_tsvector('simple', 'weather'))
      on conflict (session_id, ordinal) do update set account_id = excluded.account_id`)
    expect((await search(bob.account.id, 'weather')).hits).toEqual([])

    // Commands are part of the document too; a word in no event gives no result.
    expect((await search(alice.account.id, 'rg')).hits.map((hit) => hit.ordinal)).toEqual([1])
    expect((await search(alice.account.id, 'nothing-like-this')).hits).toEqual([])
  })

  it('highlights matches with markers only, whatever markup or markers the text holds', async () => {
    const carol = await seedEvents('Carol', [
      draft(0, { summary: `<img src=x onerror=alert(1)> deploy ${HIGHLIGHT_START}fake${HIGHLIGHT_STOP} now` }),
    ])
    const [hit] = (await search(carol.account.id, 'deploy')).hits
    const parts = parseHighlights(hit.snippet)
    // Postgres's parser drops the tag's `<`; the rest is plain text for React to render as text.
    expect(parts.filter((part) => part.match).map((part) => part.text)).toEqual(['deploy'])
    const text = parts.map((part) => part.text).join('')
    expect(text).toContain('onerror=alert(1)>')
    expect(text).toContain('fake')
    expect(text.includes(HIGHLIGHT_START) || text.includes(HIGHLIGHT_STOP)).toBe(false)
  })

  it('understands web-search syntax and pages through the results', async () => {
    const dave = await seedEvents(
      'Dave',
      Array.from({ length: 7 }, (_, ordinal) =>
        draft(ordinal, {
          summary: ordinal % 2 === 0 ? `build step ${ordinal} passed` : `build step ${ordinal} failed`,
        }),
      ),
    )
    expect((await search(dave.account.id, 'build -failed')).hits.map((hit) => hit.ordinal).sort()).toEqual([0, 2, 4, 6])
    expect((await search(dave.account.id, '"step 3"')).hits.map((hit) => hit.ordinal)).toEqual([3])
    const first = await search(dave.account.id, 'build', 0, 5)
    const second = await search(dave.account.id, 'build', 5, 5)
    expect(first.hits).toHaveLength(5)
    expect(first.hasMore).toBe(true)
    expect(second.hits).toHaveLength(2)
    expect(second.hasMore).toBe(false)
    expect(new Set([...first.hits, ...second.hits].map((hit) => hit.ordinal)).size).toBe(7)
    // Punctuation only: no words, no results (and no error).
    expect((await search(dave.account.id, '&&& |||')).hits).toEqual([])
  })

  it('ranks a very common word among its most recent matches only (a bounded cost)', async () => {
    // The five oldest events mention the word most often (the best rank), but they are older than
    // the RANKED_CANDIDATES most recent matches, so they are not ranked.
    const frank = await seedEvents(
      'Frank',
      Array.from({ length: RANKED_CANDIDATES + 5 }, (_, ordinal) =>
        draft(ordinal, { summary: ordinal < 5 ? 'deploy deploy deploy deploy' : `deploy number ${ordinal}` }),
      ),
    )
    const page = await search(frank.account.id, 'deploy', 0, 30)
    expect(page.hits).toHaveLength(30)
    expect(page.hits.every((hit) => hit.ordinal >= 5)).toBe(true)
    // Past COMMON_MATCHES the candidates come from walking the recency index instead of the GIN
    // index: the same events, in the same order.
    const walked = await searchRepository.searchEvents(testDb.db, frank.account.id, {
      query: 'deploy',
      offset: 0,
      limit: 30,
      commonMatches: 100,
    })
    expect(walked).toEqual(page)
    // A word below the threshold in the same account still finds all of its events.
    expect(
      (
        await searchRepository.searchEvents(testDb.db, frank.account.id, {
          query: 'number 7',
          offset: 0,
          limit: 30,
          commonMatches: 100,
        })
      ).hits.map((hit) => hit.ordinal),
    ).toEqual([7])
  })

  it("reads the stored documents through their indexes, never every event's text", async () => {
    const erin = await seedEvents('Erin', [draft(0, { summary: 'indexed words' })])
    const plan = await testDb.db.transaction(async (tx) => {
      // The table is tiny: forbid the sequential scan, so only a matching index can serve the query.
      await tx.execute(sql`set local enable_seqscan = off`)
      const explained = await tx.execute<{ 'QUERY PLAN': string }>(
        sql`explain ${searchEventsStatement(erin.account.id, { query: 'indexed', offset: 0, limit: 30 })}`,
      )
      return explained.map((row) => row['QUERY PLAN']).join('\n')
    })
    expect(plan).toMatch(/timeline_event_search_(document|recent)_idx/)
    expect(plan).not.toMatch(/Seq Scan on timeline_events/)
  })

  it('finds words in message text and tool output, not only in the one-line summary', async () => {
    const longMessage = `${'filler '.repeat(60)}the flaky-retry workaround lives in ci.yml`
    const grace = await seedEvents('Grace', [
      draft(0, { summary: 'User: filler filler…', payload: { role: 'user', content: longMessage } }),
      draft(1, {
        type: 'LocalShellCall',
        role: 'assistant',
        command: 'pnpm test',
        summary: '$ pnpm test',
        payload: { command: 'pnpm test', stdout: 'FAIL src/cart.test.ts › applies the coupon twice', exitCode: 1 },
      }),
      draft(2, {
        type: 'FunctionCall',
        role: 'assistant',
        name: 'read_file',
        summary: 'read_file',
        payload: { name: 'read_file', result: { text: 'export const zanzibarTimeout = 30' } },
      }),
      // Past the bounded excerpt: not indexed, so not found.
      draft(3, { summary: 'User: long', payload: { role: 'user', content: `${'x '.repeat(1_500)}beyondtheexcerpt` } }),
    ])
    const ordinals = async (query: string) => (await search(grace.account.id, query)).hits.map((hit) => hit.ordinal)
    expect(await ordinals('workaround')).toEqual([0])
    expect(await ordinals('coupon')).toEqual([1])
    expect(await ordinals('zanzibarTimeout')).toEqual([2])
    expect(await ordinals('beyondtheexcerpt')).toEqual([])
    // The snippet shows the match from the message text.
    const [hit] = (await search(grace.account.id, 'workaround')).hits
    expect(
      parseHighlights(hit.snippet)
        .filter((part) => part.match)
        .map((part) => part.text),
    ).toEqual(['workaround'])
    // A message's summary is the start of its text: the match shows once, not once from each.
    const henry = await seedEvents('Henry', [
      draft(0, {
        summary: 'User: why is ci red? needle42',
        payload: { role: 'user', content: 'why is ci red? needle42' },
      }),
    ])
    const [once] = (await search(henry.account.id, 'needle42')).hits
    expect(parseHighlights(once.snippet).filter((part) => part.match)).toHaveLength(1)
    // A short text is shown whole, the words before the match included.
    expect(
      parseHighlights(once.snippet)
        .map((part) => part.text)
        .join(''),
    ).toBe('why is ci red? needle42')
  })

  it('follows every change of the events: updated, truncated and deleted sessions', async () => {
    const heidi = await seedEvents('Heidi', [
      draft(0, { summary: 'first draft of the plan' }),
      draft(1, { summary: 'second thoughts about quokkas' }),
    ])
    const target = { sessionId: heidi.session.id, accountId: heidi.account.id }
    const ordinals = async (query: string) => (await search(heidi.account.id, query)).hits.map((hit) => hit.ordinal)
    expect(await ordinals('quokkas')).toEqual([1])

    // An event rewritten by a later read of its log (a call whose output arrived) is found by its new text.
    await timelineEventsRepository.upsertEvents(testDb.db, target, [
      draft(1, { summary: 'second thoughts about wombats' }),
    ])
    expect(await ordinals('quokkas')).toEqual([])
    expect(await ordinals('wombats')).toEqual([1])

    // A log that now ends earlier loses its later events, and their documents with them.
    await timelineEventsRepository.deleteEventsFrom(testDb.db, heidi.session.id, 1)
    expect(await ordinals('wombats')).toEqual([])
    expect(await ordinals('plan')).toEqual([0])

    // Deleting the session (its events go by cascade) leaves no document behind.
    await testDb.db.execute(sql`delete from sessions where id = ${heidi.session.id}`)
    expect(await ordinals('plan')).toEqual([])
    const [left] = await testDb.db.execute<{ n: number }>(
      sql`select count(*)::int as n from timeline_event_search where session_id = ${heidi.session.id}`,
    )
    expect(left.n).toBe(0)
  })
})
