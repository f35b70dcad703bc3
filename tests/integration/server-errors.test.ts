/**
 * How failures cross the server-function boundary, against real Postgres errors: conflicts are
 * 409s with a message, retried creates are idempotent, NUL is stored as U+FFFD, and nothing that
 * is logged carries the query's parameters (e-mail addresses, password hashes).
 */
import { eq, sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { todos, users } from '../../src/db/schema'
import { hashPassword } from '../../src/server/auth/passwords'
import { toHttpError } from '../../src/server/http/errors'
import { captureLogs } from '../../src/server/log'
import { authRepository, EMAIL_TAKEN_MESSAGE } from '../../src/server/repositories/auth-repository'
import { ConflictError } from '../../src/server/repositories/errors'
import { todosRepository } from '../../src/server/repositories/todos-repository'
import { writeTransaction } from '../../src/server/repositories/write-transaction'
import { databaseForThisFile } from '../helpers/database'
import { seedAccountWithSession } from '../helpers/seed'

const testDb = databaseForThisFile({ maxConnections: 10 })

describe('sign-up conflicts', () => {
  it('five concurrent sign-ups with one e-mail: one account, four 409s, and no e-mail or hash in the log', async () => {
    const email = `race-${Date.now()}@example.test`
    const passwordHash = await hashPassword('correct horse battery')
    const logged: string[] = []
    const restore = captureLogs((_level, line) => logged.push(line))
    let outcomes: PromiseSettledResult<unknown>[]
    try {
      outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          authRepository.createPasswordUser(testDb.db, { email, displayName: 'Racer', passwordHash }),
        ),
      )
    } finally {
      restore()
    }
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected')
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1)
    expect(failures).toHaveLength(4)
    const restoreAgain = captureLogs((_level, line) => logged.push(line))
    try {
      for (const failure of failures) {
        const mapped = toHttpError((failure as PromiseRejectedResult).reason)
        expect(mapped).toMatchObject({ status: 409, message: EMAIL_TAKEN_MESSAGE })
      }
    } finally {
      restoreAgain()
    }
    expect(logged.join('\n')).not.toContain(email)
    expect(logged.join('\n')).not.toContain('scrypt$')
  })

  it('an unexpected database failure is logged as one line without the parameters', async () => {
    const email = `nul-${Date.now()}@example.test`
    const logged: string[] = []
    // Bypasses every repository guard on purpose, so Postgres itself refuses the NUL (22021).
    const failed = await testDb.db
      .insert(users)
      .values({ accountId: sql`gen_random_uuid()`, displayName: 'a\u0000b', email, passwordHash: 'scrypt$secret' })
      .catch((error: unknown) => error)
    const restore = captureLogs((_level, line) => logged.push(line))
    try {
      expect(toHttpError(failed).status).toBe(500)
    } finally {
      restore()
    }
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain('[server-function]')
    expect(logged[0]).not.toContain(email)
    expect(logged[0]).not.toContain('scrypt$')
  })

  it('stores a NUL in the display name as U+FFFD', async () => {
    const principal = await authRepository.createPasswordUser(testDb.db, {
      email: `nul-name-${Date.now()}@example.test`,
      displayName: 'Ada\u0000Lovelace',
      passwordHash: await hashPassword('correct horse battery'),
    })
    expect(principal.user.displayName).toBe('Ada\uFFFDLovelace')
    expect(principal.account.name).toBe("Ada\uFFFDLovelace's account")
  })
})

describe('idempotent todo creation', () => {
  it('a retried create with the same id and content returns the committed row and its txid', async () => {
    const { account } = await seedAccountWithSession(testDb.db, 'retry')
    const id = crypto.randomUUID()
    const first = await todosRepository.createTodo(testDb.db, { accountId: account.id, id, text: 'Ship it' })
    const retry = await todosRepository.createTodo(testDb.db, { accountId: account.id, id, text: 'Ship it' })
    expect(retry.txid).toBe(first.txid)
    expect(retry.todo).toEqual(first.todo)
    expect(await testDb.db.select().from(todos).where(eq(todos.id, id))).toHaveLength(1)
  })

  it('refuses the same id with other content, or from another account, with a 409 that says so', async () => {
    const { account } = await seedAccountWithSession(testDb.db, 'owner')
    const { account: other } = await seedAccountWithSession(testDb.db, 'other')
    const id = crypto.randomUUID()
    await todosRepository.createTodo(testDb.db, { accountId: account.id, id, text: 'Original' })
    const differing = todosRepository.createTodo(testDb.db, { accountId: account.id, id, text: 'Changed' })
    await expect(differing).rejects.toBeInstanceOf(ConflictError)
    await expect(differing).rejects.toThrow('A different todo with this id already exists')
    const foreign = await todosRepository
      .createTodo(testDb.db, { accountId: other.id, id, text: 'Original' })
      .catch((error: unknown) => error)
    expect(toHttpError(foreign)).toMatchObject({ status: 409, message: expect.stringContaining('already taken') })
    const [stored] = await testDb.db.select().from(todos).where(eq(todos.id, id))
    expect(stored).toMatchObject({ accountId: account.id, text: 'Original' })
  })
})

describe('writeTransaction', () => {
  it('returns the txid of the transaction that wrote the rows', async () => {
    const { account } = await seedAccountWithSession(testDb.db, 'txid')
    const id = crypto.randomUUID()
    const result = await writeTransaction(testDb.db, async (tx) => {
      await tx.insert(todos).values({ id, accountId: account.id, text: 'inside' })
      return { id }
    })
    const [row] = await testDb.db.select({ xmin: sql<string>`xmin::text` }).from(todos).where(eq(todos.id, id))
    expect(result).toEqual({ id, txid: Number(row.xmin) })
  })
})
