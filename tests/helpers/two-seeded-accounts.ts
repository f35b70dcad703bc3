/**
 * The setup of the suites that check what the shape proxy lets through: a test database of their
 * own with two accounts (alice and bob) that each have a row in every replicated table, and a sync
 * target on that database.
 */
import { createDatabaseClient, type DatabaseClient } from '../../src/db/client'
import { createTestDatabase, type TestDatabase } from './database'
import { seedAccountWithEverything } from './seed-everything'
import { type SyncTarget, startSyncTarget } from './sync-target'

export type SeededAccount = Awaited<ReturnType<typeof seedAccountWithEverything>>

export interface TwoSeededAccounts {
  database: TestDatabase
  client: DatabaseClient
  sync: SyncTarget
  alice: SeededAccount
  bob: SeededAccount
  /** Closes the sync target and the client, then drops the database. */
  stop(): Promise<void>
}

export async function startTwoSeededAccounts(): Promise<TwoSeededAccounts> {
  const database = await createTestDatabase()
  const client = createDatabaseClient(database.url)
  let sync: SyncTarget | undefined
  const stop = async () => {
    await sync?.close()
    await client.close()
    await database.drop()
  }
  try {
    const alice = await seedAccountWithEverything(client.db, 'alice')
    const bob = await seedAccountWithEverything(client.db, 'bob')
    sync = await startSyncTarget(database.url)
    return { database, client, sync, alice, bob, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
