/**
 * The database refuses a session-scoped row whose account is not its session's account: account
 * A's row inside account B's session would be served to B through B's session shapes.
 */
import { getTableColumns, isTable, sql } from 'drizzle-orm'
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core'
import { describe, expect, it } from 'vitest'
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
