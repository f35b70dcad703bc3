/** `--account` names the account to import into or export from: by a user's e-mail or by id. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportLegacyData } from '../../legacy-exporter'
import { ImportSetupError } from '../../legacy-importer'
import {
  copyOf,
  countRows,
  emptyDir,
  importInto,
  type LegacyTestDatabase,
  openTestDatabase,
  removeTemporaryDirs,
  SAMPLE_LEGACY_DATA,
} from './legacy-test-helpers'

afterAll(removeTemporaryDirs)
describe('the account named by --account', () => {
  let db: LegacyTestDatabase
  let operatorAccountId: string
  beforeAll(async () => {
    db = await openTestDatabase()
    // An older user first: without --account the import would pick this one's account (the local owner).
    const [owner] = await db.sql`insert into accounts (name) values ('Personal') returning id`
    await db.sql`insert into users (account_id, display_name, created_at) values (${owner.id}, 'Owner', now() - interval '1 day')`
    const [account] = await db.sql`insert into accounts (name) values ('Operator') returning id`
    operatorAccountId = account.id
    await db.sql`insert into users (account_id, display_name, email) values (${account.id}, 'Operator', 'operator@example.com')`
  })
  afterAll(async () => {
    await db.close()
  })

  it('an e-mail that no user has: stops before reading anything, writes nothing, says what to do', async () => {
    const before = await countRows(db.sql)
    const error = await importInto(db, {
      dataDir: copyOf(SAMPLE_LEGACY_DATA),
      account: { email: 'someone@example.com' },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportSetupError)
    expect((error as Error).message).toMatch(/^No user has the e-mail someone@example\.com.*pnpm user:create/)
    expect(await countRows(db.sql)).toEqual(before)
  })

  it('an id that no account has: refused the same way', async () => {
    await expect(
      importInto(db, { dataDir: copyOf(SAMPLE_LEGACY_DATA), account: { id: '00000000-0000-4000-8000-000000000000' } }),
    ).rejects.toThrow(/^No account has the id 00000000-0000-4000-8000-000000000000\./)
  })

  it('by e-mail: imports into that user’s account (not the oldest user’s), and exports it back by e-mail', async () => {
    const result = await importInto(db, {
      dataDir: copyOf(SAMPLE_LEGACY_DATA),
      account: { email: 'operator@example.com' },
    })
    expect(result).toMatchObject({ status: 'imported', accountId: operatorAccountId })
    const owners =
      await db.sql`select distinct account_id from sessions union select distinct account_id from chat_messages`
    expect(owners.map((row) => row.account_id)).toEqual([operatorAccountId])

    const exported = await exportLegacyData(db.client.db, {
      outDir: emptyDir(),
      account: { email: 'operator@example.com' },
      overwrite: true,
    })
    expect(exported.accountId).toBe(operatorAccountId)
    expect(exported.records.messages).toBe(43)
    await expect(
      exportLegacyData(db.client.db, {
        outDir: emptyDir(),
        account: { email: 'someone@example.com' },
        overwrite: true,
      }),
    ).rejects.toThrow(/No user has the e-mail someone@example\.com/)
  })
})
