import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseClient, type DatabaseClient } from '../../../src/db/client'
import { users } from '../../../src/db/schema'
import {
  NoDiscoveryAccountError,
  resolveDiscoveryAccountId,
} from '../../../src/server/ingest/discovery/discovery-runtime'
import { SessionDiscovery } from '../../../src/server/ingest/discovery/session-discovery'
import { databaseForThisFile } from '../../helpers/database'
import { CODEX_SMALL, CODEX_SMALL_ID, createAccount, sessionsOf } from '../../helpers/ingest'

const testDb = databaseForThisFile()
let client: DatabaseClient
let folder: string

async function createUser(name: string, email: string | null, isOperator = false) {
  const account = await createAccount(testDb.db, name)
  await testDb.db.insert(users).values({ accountId: account.id, displayName: name, email, isOperator })
  return account
}

beforeAll(() => {
  client = createDatabaseClient(testDb.url, { max: 4 })
  folder = mkdtempSync(join(tmpdir(), 'discovery-account-'))
})
afterAll(async () => {
  await client.close()
  rmSync(folder, { recursive: true, force: true })
})

describe('the account discovered sessions belong to', () => {
  it('waits, saying what to do, while there is no user in password mode', async () => {
    const waiting = resolveDiscoveryAccountId(testDb.db, { AUTH_MODE: 'password', DISCOVERY_ACCOUNT: undefined })
    await expect(waiting).rejects.toBeInstanceOf(NoDiscoveryAccountError)
    await expect(waiting).rejects.toThrow(/no user yet.*DISCOVERY_ACCOUNT/)
  })

  it('is the first operator by default in password mode, else the first user; the local owner in local mode', async () => {
    const first = await createUser('First', 'first@example.com')
    expect(await resolveDiscoveryAccountId(testDb.db, { AUTH_MODE: 'password', DISCOVERY_ACCOUNT: undefined })).toBe(
      first.id,
    )
    const operator = await createUser('Operator', 'operator@example.com', true)
    expect(await resolveDiscoveryAccountId(testDb.db, { AUTH_MODE: 'password', DISCOVERY_ACCOUNT: undefined })).toBe(
      operator.id,
    )
    // Local mode: the owner is the oldest user.
    expect(await resolveDiscoveryAccountId(testDb.db, { AUTH_MODE: 'local', DISCOVERY_ACCOUNT: undefined })).toBe(
      first.id,
    )
  })

  it('is the user named by DISCOVERY_ACCOUNT, in either mode', async () => {
    const chosen = await createUser('Chosen', 'chosen@example.com')
    for (const mode of ['local', 'password'] as const) {
      expect(
        await resolveDiscoveryAccountId(testDb.db, { AUTH_MODE: mode, DISCOVERY_ACCOUNT: 'chosen@example.com' }),
      ).toBe(chosen.id)
    }
  })

  it('waits with a message naming the address when no user has it', async () => {
    const config = { AUTH_MODE: 'password', DISCOVERY_ACCOUNT: 'nobody@example.com' } as const
    await expect(resolveDiscoveryAccountId(testDb.db, config)).rejects.toThrow(
      /DISCOVERY_ACCOUNT is nobody@example.com, but no user has this e-mail/,
    )
  })

  it('puts the sessions a scan finds into that account', async () => {
    const chosen = await createUser('Owner of discoveries', 'discoveries@example.com')
    copyFileSync(
      join(import.meta.dirname, '../../fixtures/agent-logs', CODEX_SMALL),
      join(folder, 'rollout-discovered.jsonl'),
    )
    const discovery = new SessionDiscovery({
      client,
      dirs: [folder],
      resolveAccountId: () =>
        resolveDiscoveryAccountId(client.db, { AUTH_MODE: 'password', DISCOVERY_ACCOUNT: 'discoveries@example.com' }),
      scanIntervalMs: 60_000,
      liveWindowMs: 0,
    })
    await discovery.scan()
    await discovery.stop()
    const found = await sessionsOf(testDb.db, chosen.id)
    expect(found.map((session) => [session.sourceKey, session.source])).toEqual([[CODEX_SMALL_ID, 'discovered']])
  })
})
