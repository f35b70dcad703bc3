/**
 * Password-mode accounts made straight in the password database, for the e2e stack's control
 * endpoint (`POST /accounts`): a spec that needs an empty account of its own, but does not test
 * signing up, gets one signed in without walking the sign-up form (two page loads and a scrypt
 * hash each). The form itself is tested by e2e/password-mode.spec.ts. The user and the session
 * are made by the same repository calls the sign-up server function makes.
 */
import { z } from 'zod'
import { createDatabaseClient } from '../../src/db/client'
import { hashPassword } from '../../src/server/auth/passwords'
import { generateSessionToken, hashSessionToken } from '../../src/server/auth/tokens'
import { authRepository } from '../../src/server/repositories/auth-repository'

export const newAccountSchema = z.object({
  email: z.string().trim().toLowerCase().email('email must be an email address'),
  name: z.string().trim().min(1, 'name must not be empty').max(100, 'name: at most 100 characters'),
  password: z.string().min(10, 'password: at least 10 characters').max(200, 'password: at most 200 characters'),
})

export type NewAccount = z.infer<typeof newAccountSchema>

export function createAccountSeeder(databaseUrl: string) {
  const client = createDatabaseClient(databaseUrl, { max: 2 })
  // Every spec uses the same test password: hash it once (scrypt costs ~100 ms of CPU).
  const hashes = new Map<string, Promise<string>>()
  return {
    /** Creates the user and a session; answers the session cookie's value. */
    async create(input: NewAccount) {
      let passwordHash = hashes.get(input.password)
      if (!passwordHash) {
        passwordHash = hashPassword(input.password)
        hashes.set(input.password, passwordHash)
      }
      const principal = await authRepository.createPasswordUser(client.db, {
        email: input.email,
        displayName: input.name,
        passwordHash: await passwordHash,
      })
      const token = generateSessionToken()
      await authRepository.createSession(client.db, {
        tokenHash: hashSessionToken(token),
        userId: principal.user.id,
        userAgent: 'e2e account seeder',
      })
      return { token, userId: principal.user.id }
    },
    close: () => client.close(),
  }
}
