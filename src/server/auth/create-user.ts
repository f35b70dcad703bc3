/**
 * `pnpm user:create`: the operator creates an account. The first one made this way becomes an
 * operator and takes over the data local mode kept (the local owner's account); the ones after it
 * get accounts of their own, operators only with `--operator`.
 */
import { z } from 'zod'
import type { Executor } from '~/db/client'
import type { Principal } from '~/server/repositories/accounts-repository'
import { authRepository } from '~/server/repositories/auth-repository'
import { hashPassword } from './passwords'

export const newUserSchema = z.object({
  email: z.string().trim().toLowerCase().email('--email must be an email address such as you@example.com').max(254),
  displayName: z.string().trim().min(1, '--name must not be empty').max(100, '--name: use at most 100 characters'),
  password: z
    .string()
    .min(10, 'the password needs at least 10 characters')
    .max(200, 'the password may have at most 200 characters'),
  operator: z.boolean().default(false),
})

export type NewUser = z.input<typeof newUserSchema>

export async function createUserAsOperator(db: Executor, input: NewUser): Promise<Principal> {
  const user = newUserSchema.parse(input)
  return authRepository.createPasswordUser(db, {
    email: user.email,
    displayName: user.displayName,
    passwordHash: await hashPassword(user.password),
    claimLocalOwner: true,
    operator: user.operator,
  })
}
