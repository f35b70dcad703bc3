import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { chatMessages } from '~/db/schema'
import { databaseForThisFile } from '../../../../tests/helpers/database'
import { seedAccountWithSession } from '../../../../tests/helpers/seed'
import { legacyRepository } from '../../legacy-repository'

const testDb = databaseForThisFile()

class Rollback extends Error {}

describe('bulk load without row-by-row foreign-key checks', () => {
  it('is used by a superuser, and the set-wise check finds every dangling reference', async () => {
    const { account, session } = await seedAccountWithSession(testDb.db)
    let broken: string[] = []
    let fastPath = false
    await expect(
      testDb.db.transaction(async (tx) => {
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
        const [setting] = await tx.execute<{ session_replication_role: string }>(sql`show session_replication_role`)
        expect(setting.session_replication_role).toBe('origin')
        throw new Rollback()
      }),
    ).rejects.toBeInstanceOf(Rollback)
    expect(fastPath).toBe(true)
    expect(broken).toEqual(['1 chat_messages.thread_id → chat_threads'])
  })

  it('finds nothing when every reference resolves', async () => {
    const { account } = await seedAccountWithSession(testDb.db)
    const broken = await testDb.db.transaction(async (tx) => {
      await legacyRepository.beginBulkLoad(tx)
      return legacyRepository.verifyReferencesAfterBulkLoad(tx, account.id)
    })
    expect(broken).toEqual([])
  })
})
