/**
 * The database refuses a session-scoped row whose account is not its session's account: account
 * A's row inside account B's session would be served to B through B's session shapes.
 */
import { getTableColumns, isTable, sql } from 'drizzle-orm'
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
import { createDatabaseClient } from '../../src/db/client'
import * as schema from '../../src/db/schema'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile()

type Seeded = Awaited<ReturnType<typeof seedAccountWithSession>>

/** The smallest valid row of each session-scoped table, besides its session and account. */
const MINIMAL_ROWS: Record<string, (owner: Seeded) => Promise<Record<string, unknown>>> = {
  session_uploads: async () => ({ originalName: 'upload.jsonl' }),
  timeline_events: async () => ({ ordinal: 0, type: 'Other' }),
  chat_threads: async () => ({ mode: 'session', title: 'Thread' }),
  chat_messages: async (owner) => {
    const [thread] = await testDb.db
      .insert(schema.chatThreads)
      .values({ sessionId: owner.session.id, accountId: owner.account.id, mode: 'general', title: 'Thread' })
      .returning()
    return { threadId: thread.id, mode: 'general', role: 'user', seq: 1 }
  },
  chat_tool_events: async () => ({ toolName: 'read_file' }),
  misalignments: async () => ({ ruleId: 'rule-1', title: 'Ignored a rule' }),
  hookify_decisions: async () => ({ source: 'manual', contentHash: 'a'.repeat(64), severity: 'none', blocked: false }),
  agent_rules: async () => ({ ruleId: 'rule-1', heading: 'Tests', summary: 'Run the tests', severity: 'low' }),
  session_repo_bindings: async () => ({ assetPath: 'AGENTS.md', rootDir: '/repo' }),
  share_links: async () => ({ tokenHash: `hash-${crypto.randomUUID()}` }),
}

const tables = Object.values(schema as Record<string, unknown>).filter((value): value is PgTable => isTable(value))

/**
 * Session-scoped tables without the composite key, each with its reason. `timeline_event_search` is
 * written only by the triggers on `timeline_events` (copying the event's already checked session and
 * account), is never served through a shape, and the search joins every hit back to its event and
 * session under the caller's account (tests/integration/search.test.ts plants a mismatched row); a
 * second per-row foreign-key check on every ingested event would cost ingest about as much as the
 * first one (docs/benchmarks.md).
 */
const DERIVED_TABLES = new Set(['timeline_event_search'])

/** Tables whose rows always belong to one session of one account. */
const sessionScoped = tables.filter((table) => {
  const columns = getTableColumns(table)
  return (
    columns.sessionId?.notNull === true &&
    columns.accountId?.notNull === true &&
    !DERIVED_TABLES.has(getTableConfig(table).name)
  )
})

describe('session-scoped tables', () => {
  it('are exactly the tables this test knows how to fill', () => {
    expect(sessionScoped.map((table) => getTableConfig(table).name).sort()).toEqual(Object.keys(MINIMAL_ROWS).sort())
  })

  for (const table of sessionScoped) {
    const name = getTableConfig(table).name
    it(`${name}: refuses a row of one account in another account's session, accepts the matching pair`, async () => {
      const owner = await seedAccountWithSession(testDb.db, `${name} owner`)
      const intruder = await seedAccountWithSession(testDb.db, `${name} intruder`)
      const rest = await MINIMAL_ROWS[name](owner)

      const refused = await testDb.db
        .insert(table)
        .values({ ...rest, sessionId: owner.session.id, accountId: intruder.account.id })
        .catch((error: unknown) => error)
      expect(refused).toMatchObject({ cause: { code: '23503', constraint_name: `${name}_session_account_fk` } })

      await testDb.db.insert(table).values({ ...rest, sessionId: owner.session.id, accountId: owner.account.id })
      const [{ n }] = await testDb.db.execute<{ n: number }>(
        sql`select count(*)::int as n from ${table} where session_id = ${owner.session.id}`,
      )
      expect(n).toBeGreaterThan(0)
    })
  }
})

/**
 * timeline_events keeps the composite key's guarantee with statement-level triggers instead of the
 * per-row foreign key (drizzle/0015): the same refusals, the same cascade.
 */
describe('timeline_events without the per-row foreign key', () => {
  const event = (seeded: Seeded, ordinal: number, accountId = seeded.account.id) => ({
    sessionId: seeded.session.id,
    accountId,
    ordinal,
    type: 'Other' as const,
  })
  const eventsOf = async (sessionId: string) => {
    const [{ n }] = await testDb.db.execute<{ n: number }>(
      sql`select count(*)::int as n from timeline_events where session_id = ${sessionId}`,
    )
    return n
  }
  const searchDocumentsOf = async (sessionId: string) => {
    const [{ n }] = await testDb.db.execute<{ n: number }>(
      sql`select count(*)::int as n from timeline_event_search where session_id = ${sessionId}`,
    )
    return n
  }
  const fkViolation = { cause: { code: '23503', constraint_name: 'timeline_events_session_account_fk' } }

  it('refuses a batch with one row outside its account, and a session that does not exist', async () => {
    const owner = await seedAccountWithSession(testDb.db, 'batch owner')
    const intruder = await seedAccountWithSession(testDb.db, 'batch intruder')
    const mixed = [event(owner, 0), event(owner, 1, intruder.account.id), event(owner, 2)]
    expect(
      await testDb.db
        .insert(schema.timelineEvents)
        .values(mixed)
        .catch((error: unknown) => error),
    ).toMatchObject(fkViolation)
    const ghost = { ...event(owner, 0), sessionId: crypto.randomUUID() }
    expect(
      await testDb.db
        .insert(schema.timelineEvents)
        .values(ghost)
        .catch((error: unknown) => error),
    ).toMatchObject(fkViolation)
    expect(await eventsOf(owner.session.id)).toBe(0)
  })

  it("refuses moving an event into another account, or changing its session's account", async () => {
    const owner = await seedAccountWithSession(testDb.db, 'move owner')
    const other = await seedAccountWithSession(testDb.db, 'move other')
    await testDb.db.insert(schema.timelineEvents).values([event(owner, 0), event(owner, 1)])
    const moved = await testDb.db
      .execute(sql`update timeline_events set account_id = ${other.account.id} where session_id = ${owner.session.id}`)
      .catch((error: unknown) => error)
    expect(moved).toMatchObject(fkViolation)
    const rehomed = await testDb.db
      .execute(sql`update sessions set account_id = ${other.account.id} where id = ${owner.session.id}`)
      .catch((error: unknown) => error)
    expect(rehomed).toMatchObject(fkViolation)
    // A session without events may still be changed like any row (the old key protected nothing).
    await testDb.db.execute(sql`update sessions set title = 'renamed' where id = ${owner.session.id}`)
    expect(await eventsOf(owner.session.id)).toBe(2)
  })

  it('makes a delete of the session wait for a transaction still writing its events (no orphans)', async () => {
    const owner = await seedAccountWithSession(testDb.db, 'concurrent delete')
    const writer = createDatabaseClient(testDb.url, { max: 1 })
    const deleter = createDatabaseClient(testDb.url, { max: 1 })
    try {
      let release: () => void = () => {}
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      let inserted: () => void = () => {}
      const insertedOnce = new Promise<void>((resolve) => {
        inserted = resolve
      })
      const writing = writer.sql.begin(async (tx) => {
        await tx`insert into timeline_events (session_id, account_id, ordinal, type) values (${owner.session.id}, ${owner.account.id}, 0, 'Other')`
        inserted()
        await released
      })
      await insertedOnce
      const [{ pid }] = await deleter.sql<{ pid: number }[]>`select pg_backend_pid() as pid`
      let deleted = false
      const deleting = deleter.sql`delete from sessions where id = ${owner.session.id}`.then(() => {
        deleted = true
      })
      // Until the delete either waits on the writer's lock or (without the lock) has finished.
      for (;;) {
        const [{ waiting }] = await testDb.db.execute<{ waiting: boolean }>(
          sql`select exists (select 1 from pg_stat_activity where pid = ${pid} and wait_event_type = 'Lock') as waiting`,
        )
        if (waiting || deleted) break
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      release()
      await writing
      await deleting
      expect(await eventsOf(owner.session.id)).toBe(0)
    } finally {
      await writer.close()
      await deleter.close()
    }
  })

  it('deletes the events (and their search documents) with their session, and with its account', async () => {
    const first = await seedAccountWithSession(testDb.db, 'cascade one')
    const second = await seedAccountWithSession(testDb.db, 'cascade two')
    await testDb.db.insert(schema.timelineEvents).values([event(first, 0), event(first, 1)])
    await testDb.db.insert(schema.timelineEvents).values([event(second, 0)])
    await testDb.db.execute(sql`delete from sessions where id = ${first.session.id}`)
    expect(await eventsOf(first.session.id)).toBe(0)
    expect(await searchDocumentsOf(first.session.id)).toBe(0)
    expect(await eventsOf(second.session.id)).toBe(1)
    await testDb.db.execute(sql`delete from accounts where id = ${second.account.id}`)
    expect(await eventsOf(second.session.id)).toBe(0)
  })
})
