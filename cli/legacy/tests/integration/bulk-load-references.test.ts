import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import type { Executor } from '~/db/client'
import { chatMessages, chatThreads } from '~/db/schema'
import { databaseForThisFile } from '../../../../tests/helpers/database'
import { seedAccountWithSession } from '../../../../tests/helpers/seed'
import { legacyRepository } from '../../legacy-repository'

const testDb = databaseForThisFile()

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back, so schema changes stay in the test. */
async function inRolledBackTransaction(work: (tx: Executor) => Promise<void>) {
  await expect(
    testDb.db.transaction(async (tx) => {
      await work(tx)
      throw new Rollback()
    }),
  ).rejects.toBeInstanceOf(Rollback)
}

const replicationRole = async (tx: Executor) =>
  (await tx.execute<{ session_replication_role: string }>(sql`show session_replication_role`))[0]
    .session_replication_role

describe('bulk load without row-by-row foreign-key checks', () => {
  it('is used by a superuser, and the set-wise check finds every dangling reference', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    let broken: string[] = []
    let fastPath = false
    await inRolledBackTransaction(async (tx) => {
      fastPath = await legacyRepository.beginBulkLoad(tx)
      await tx.insert(chatMessages).values({
        id: 'chat_dangling',
        threadId: 'thread_missing',
        sessionId: session.id,
        accountId: account.id,
        mode: 'session',
        role: 'user',
        content: 'points nowhere',
        seq: 1,
      })
      broken = await legacyRepository.verifyReferencesAfterBulkLoad(tx, account.id)
      expect(await replicationRole(tx)).toBe('origin')
    })
    expect(fastPath).toBe(true)
    expect(broken).toEqual([expect.stringMatching(/^1 chat_messages \(thread_id\) → chat_threads \(id\) \[/)])
  })

  it('finds nothing when every reference resolves', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const broken = await testDb.db.transaction(async (tx) => {
      await legacyRepository.beginBulkLoad(tx)
      return legacyRepository.verifyReferencesAfterBulkLoad(tx, account.id)
    })
    expect(broken).toEqual([])
  })

  it('checks the foreign keys the schema really has, multi-column ones included', async () => {
    const a = await seedAccountWithSession(testDb.db, 'Account A')
    const b = await seedAccountWithSession(testDb.db, 'Account B')
    let broken: string[] = []
    await inRolledBackTransaction(async (tx) => {
      // A key this tool was not written for: a message's session must belong to the message's account.
      await tx.execute(sql`alter table sessions add constraint test_sessions_id_account unique (id, account_id)`)
      await tx.execute(sql`alter table chat_messages add constraint test_messages_session_account
        foreign key (session_id, account_id) references sessions (id, account_id)`)
      const keys = await legacyRepository.foreignKeysOfBulkLoadedTables(tx)
      expect(keys).toContainEqual(
        expect.objectContaining({
          name: 'test_messages_session_account',
          table: 'chat_messages',
          columns: ['session_id', 'account_id'],
          target: 'sessions',
          targetColumns: ['id', 'account_id'],
        }),
      )
      expect(await legacyRepository.beginBulkLoad(tx)).toBe(true)
      const [thread] = await tx
        .insert(chatThreads)
        .values({ sessionId: a.session.id, accountId: a.account.id, mode: 'session', title: 'A' })
        .returning()
      // Account A's message inside account B's session: every single-column reference resolves.
      await tx.insert(chatMessages).values({
        id: 'chat_cross_account',
        threadId: thread.id,
        sessionId: b.session.id,
        accountId: a.account.id,
        mode: 'session',
        role: 'user',
        content: 'in the wrong account',
        seq: 1,
      })
      broken = await legacyRepository.verifyReferencesAfterBulkLoad(tx, a.account.id)
    })
    expect(broken).toContain(
      '1 chat_messages (session_id, account_id) → sessions (id, account_id) [test_messages_session_account]',
    )
  })

  it("covers the schema's own composite keys: every chat row's session belongs to the row's account", async () => {
    const keys = await legacyRepository.foreignKeysOfBulkLoadedTables(testDb.db)
    for (const table of ['chat_threads', 'chat_messages', 'chat_tool_events']) {
      expect(keys).toContainEqual(
        expect.objectContaining({
          table,
          columns: ['session_id', 'account_id'],
          target: 'sessions',
          targetColumns: ['id', 'account_id'],
        }),
      )
    }
  })

  it('keeps the fast path beside the triggers on sessions that never fire on an insert', async () => {
    const [{ n }] = await testDb.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_trigger where tgrelid = 'sessions'::regclass and not tgisinternal`,
    )
    expect(n).toBeGreaterThan(0)
    await inRolledBackTransaction(async (tx) => {
      expect(await legacyRepository.beginBulkLoad(tx)).toBe(true)
    })
  })

  it('keeps the ordinary path when a written table has a trigger of its own (replica mode would skip it)', async () => {
    await inRolledBackTransaction(async (tx) => {
      await tx.execute(
        sql`create function test_touch() returns trigger language plpgsql as $$ begin return new; end $$`,
      )
      await tx.execute(
        sql`create trigger test_touch before insert on chat_threads for each row execute function test_touch()`,
      )
      expect(await legacyRepository.beginBulkLoad(tx)).toBe(false)
      expect(await replicationRole(tx)).toBe('origin')
    })
  })
})
