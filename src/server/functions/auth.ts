/** Sign-in, sign-up, sign-out and "who am I" for both auth modes. */
import { createServerFn } from '@tanstack/react-start'
import { appendResponseHeader, getRequest, getRequestIP } from '@tanstack/react-start/server'
import { z } from 'zod'
import { getConfig } from '../../../app.config'
import { clearedSessionCookie } from '../auth/cookies'
import { dummyPasswordHash, hashPassword, verifyPassword } from '../auth/passwords'
import { startSession } from '../auth/principal'
import { requestAuthOf } from '../auth/request-context'
import { getDatabaseClient } from '../database'
import { HttpError, validateWith } from '../http/errors'
import { authRepository, EMAIL_TAKEN_MESSAGE } from '../repositories/auth-repository'

const LOGIN_WINDOW_MS = 15 * 60 * 1000
const MAX_FAILURES_PER_EMAIL = 5
const MAX_FAILURES_PER_IP = 30

const email = z.string().trim().toLowerCase().email('Enter a valid email address.').max(254)
const password = z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.')

function requirePasswordMode() {
  if (getConfig().AUTH_MODE !== 'password') {
    throw new HttpError(400, 'This server runs in local mode (AUTH_MODE=local): there are no accounts to sign in to.')
  }
}

export const getCurrentUser = createServerFn({ method: 'GET' }).handler(async ({ context }) => {
  const { principal } = requestAuthOf(context)
  const authMode = getConfig().AUTH_MODE
  if (!principal) return { authMode, user: null }
  return {
    authMode,
    user: { id: principal.user.id, displayName: principal.user.displayName, email: principal.user.email },
  }
})

export const signIn = createServerFn({ method: 'POST' })
  .validator(validateWith(z.object({ email, password: z.string().min(1, 'Enter your password.').max(200) })))
  .handler(async ({ data, context }) => {
    requirePasswordMode()
    const { db } = getDatabaseClient()
    const since = new Date(Date.now() - LOGIN_WINDOW_MS)
    const ip = getRequestIP({ xForwardedFor: true }) ?? 'unknown'
    const keys = [`email:${data.email}`, `ip:${ip}`]
    const [emailFailures, ipFailures] = await Promise.all([
      authRepository.countRecentFailures(db, keys[0], since),
      authRepository.countRecentFailures(db, keys[1], since),
    ])
    if (emailFailures >= MAX_FAILURES_PER_EMAIL || ipFailures >= MAX_FAILURES_PER_IP) {
      throw new HttpError(429, 'Too many failed sign-in attempts. Wait 15 minutes and try again.')
    }
    const found = await authRepository.findUserByEmail(db, data.email)
    const valid = await verifyPassword(found?.user.passwordHash ?? (await dummyPasswordHash()), data.password)
    await authRepository.recordLoginAttempt(db, keys, Boolean(found && valid))
    if (!found || !valid) throw new HttpError(401, 'Wrong email or password.')
    // Rotate: the session this browser had before signing in is not carried over.
    const previous = requestAuthOf(context).authTokenHash
    if (previous) await authRepository.revokeSession(db, previous)
    appendResponseHeader('set-cookie', await startSession(db, getRequest(), found.user.id))
    return { ok: true as const }
  })

export const signUp = createServerFn({ method: 'POST' })
  .validator(
    validateWith(z.object({ email, password, displayName: z.string().trim().min(1, 'Enter your name.').max(100) })),
  )
  .handler(async ({ data }) => {
    requirePasswordMode()
    const { db } = getDatabaseClient()
    if (await authRepository.findUserByEmail(db, data.email)) {
      throw new HttpError(409, EMAIL_TAKEN_MESSAGE)
    }
    const principal = await authRepository.createPasswordUser(db, {
      email: data.email,
      displayName: data.displayName,
      passwordHash: await hashPassword(data.password),
    })
    appendResponseHeader('set-cookie', await startSession(db, getRequest(), principal.user.id))
    return { ok: true as const }
  })

export const signOut = createServerFn({ method: 'POST' }).handler(async ({ context }) => {
  const tokenHash = requestAuthOf(context).authTokenHash
  if (tokenHash) await authRepository.revokeSession(getDatabaseClient().db, tokenHash)
  appendResponseHeader('set-cookie', clearedSessionCookie(getRequest()))
  return { ok: true as const }
})
