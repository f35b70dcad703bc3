/**
 * The sign-in rate limit against real Postgres and real scrypt: parallel wrong passwords must not
 * all be evaluated before one of them is counted.
 */
import { and, count, eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { loginAttempts } from '../../src/db/schema'
import { hashPassword } from '../../src/server/auth/passwords'
import { attemptSignIn, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_EMAIL } from '../../src/server/auth/sign-in'
import { authRepository } from '../../src/server/repositories/auth-repository'
import { databaseForThisFile } from '../helpers/database'

const testDb = databaseForThisFile({ maxConnections: 16 })
const PASSWORD = 'correct horse battery'

async function failuresFor(key: string) {
  const [{ n }] = await testDb.db
    .select({ n: count() })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.key, key), eq(loginAttempts.succeeded, false)))
  return n
}

async function userWithPassword(email: string) {
  await authRepository.createPasswordUser(testDb.db, {
    email,
    displayName: email,
    passwordHash: await hashPassword(PASSWORD),
  })
}

describe('sign-in rate limit', () => {
  it('evaluates at most the limit of 12 parallel wrong passwords for one email', async () => {
    await userWithPassword('dave@example.test')
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        attemptSignIn(testDb.db, {
          email: 'dave@example.test',
          password: `wrong-password-${index}`,
          clientAddress: `10.1.1.${index}`,
        }),
      ),
    )
    const evaluated = results.filter((result) => result.outcome === 'wrong-credentials').length
    expect(evaluated).toBe(MAX_FAILURES_PER_EMAIL)
    expect(results.filter((result) => result.outcome === 'rate-limited')).toHaveLength(12 - MAX_FAILURES_PER_EMAIL)
    expect(await failuresFor('email:dave@example.test')).toBe(MAX_FAILURES_PER_EMAIL)

    // Locked: the right password is refused too, until the window passes.
    const locked = await attemptSignIn(testDb.db, {
      email: 'dave@example.test',
      password: PASSWORD,
      clientAddress: '10.2.2.2',
    })
    expect(locked.outcome).toBe('rate-limited')
    const later = await attemptSignIn(testDb.db, {
      email: 'dave@example.test',
      password: PASSWORD,
      clientAddress: '10.2.2.2',
      now: new Date(Date.now() + 16 * 60 * 1000),
    })
    expect(later.outcome).toBe('signed-in')
  })

  it('limits a client address across many emails, parallel or not', async () => {
    const results = await Promise.all(
      Array.from({ length: MAX_FAILURES_PER_ADDRESS + 6 }, (_, index) =>
        attemptSignIn(testDb.db, {
          email: `nobody-${index}@example.test`,
          password: 'wrong-password',
          clientAddress: '203.0.113.9',
        }),
      ),
    )
    expect(results.filter((result) => result.outcome === 'wrong-credentials')).toHaveLength(MAX_FAILURES_PER_ADDRESS)
    expect(await failuresFor('ip:203.0.113.9')).toBe(MAX_FAILURES_PER_ADDRESS)
  })

  it('a successful sign-in is recorded as a success, not a failure', async () => {
    await userWithPassword('erin@example.test')
    const result = await attemptSignIn(testDb.db, {
      email: 'erin@example.test',
      password: PASSWORD,
      clientAddress: '10.3.3.3',
    })
    expect(result.outcome).toBe('signed-in')
    expect(await failuresFor('email:erin@example.test')).toBe(0)
  })
})
