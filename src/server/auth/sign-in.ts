/**
 * Password sign-in with its rate limit: 5 failures per email and 30 per client address in 15
 * minutes. The attempt is counted before the password is checked (see `reserveLoginAttempt`).
 */
import type { Executor } from '~/db/client'
import type { Principal } from '~/server/repositories/accounts-repository'
import { authRepository } from '~/server/repositories/auth-repository'
import { dummyPasswordHash, verifyPassword } from './passwords'

export const LOGIN_WINDOW_MS = 15 * 60 * 1000
export const MAX_FAILURES_PER_EMAIL = 5
export const MAX_FAILURES_PER_ADDRESS = 30

export type SignInResult =
  | { outcome: 'signed-in'; principal: Principal }
  | { outcome: 'wrong-credentials' }
  | { outcome: 'rate-limited' }

export async function attemptSignIn(
  db: Executor,
  input: { email: string; password: string; clientAddress: string; now?: Date },
): Promise<SignInResult> {
  const now = input.now ?? new Date()
  const reservation = await authRepository.reserveLoginAttempt(
    db,
    [
      { key: `email:${input.email.toLowerCase()}`, maxFailures: MAX_FAILURES_PER_EMAIL },
      { key: `ip:${input.clientAddress}`, maxFailures: MAX_FAILURES_PER_ADDRESS },
    ],
    new Date(now.getTime() - LOGIN_WINDOW_MS),
  )
  if (!reservation.allowed) return { outcome: 'rate-limited' }
  const found = await authRepository.findUserByEmail(db, input.email)
  // Unknown emails are checked against a dummy hash, so both failures take the same time.
  const valid = await verifyPassword(found?.user.passwordHash ?? (await dummyPasswordHash()), input.password)
  if (!found || !valid) return { outcome: 'wrong-credentials' }
  await authRepository.markLoginAttemptsSucceeded(db, reservation.attemptIds)
  return { outcome: 'signed-in', principal: found }
}
