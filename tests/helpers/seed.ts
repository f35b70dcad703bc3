import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/db/client'
import { accounts, users } from '../../src/db/schema'
import { sessionsRepository } from '../../src/server/repositories/sessions-repository'

/** A fresh account with one user and one session, so tests never share rows. */
export async function seedAccountWithSession(db: Database, name = 'Test account') {
  const [account] = await db.insert(accounts).values({ name }).returning()
  const [user] = await db
    .insert(users)
    .values({ accountId: account.id, displayName: `${name} user` })
    .returning()
  const { session } = await sessionsRepository.findOrCreateSession(db, {
    accountId: account.id,
    sourceKey: `test:${randomUUID()}`,
    title: 'A test session',
    source: 'upload',
    origin: 'codex',
  })
  return { account, user, session }
}
