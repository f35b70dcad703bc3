/** Sign-in, sign-up, sign-out and "who am I" for both auth modes. */

import { getConfig } from '@config'
import { createServerFn } from '@tanstack/react-start'
import { appendResponseHeader, getRequest, getRequestIP } from '@tanstack/react-start/server'
import { z } from 'zod'
import { clientAddress } from '~/server/auth/client-address'
import { clearedSessionCookie } from '~/server/auth/cookies'
import { isOperator } from '~/server/auth/operator'
import { hashPassword } from '~/server/auth/passwords'
import { startSession } from '~/server/auth/principal'
import { requestAuthOf } from '~/server/auth/request-context'
import { attemptSignIn } from '~/server/auth/sign-in'
import { getDatabaseClient } from '~/server/database'
import { HttpError, validateWith } from '~/server/http/errors'
import { authRepository, EMAIL_TAKEN_MESSAGE } from '~/server/repositories/auth-repository'

const email = z.string().trim().toLowerCase().email('Enter a valid email address.').max(254)
const password = z.string().min(10, 'Use at least 10 characters.').max(200, 'Use at most 200 characters.')

export const SIGN_UP_CLOSED_MESSAGE =
  'Sign-up is closed on this server. Ask its operator for an account (they create one with `pnpm user:create`).'

function requirePasswordMode() {
  if (getConfig().AUTH_MODE !== 'password') {
    throw new HttpError(400, 'This server runs in local mode (AUTH_MODE=local): there are no accounts to sign in to.')
  }
}

export const getCurrentUser = createServerFn({ method: 'GET' }).handler(async ({ context }) => {
  const { principal } = requestAuthOf(context)
  const authMode = getConfig().AUTH_MODE
  // Whether /sign-up shows its form or says that accounts come from the operator.
  const signUpOpen = authMode === 'password' && getConfig().ALLOW_SIGNUP
  if (!principal) return { authMode, signUpOpen, operator: false, user: null }
  return {
    authMode,
    signUpOpen,
    // Only decides what the UI offers (Settings → System); the server functions check it themselves.
    operator: isOperator(principal, authMode),
    user: { id: principal.user.id, displayName: principal.user.displayName, email: principal.user.email },
  }
})

export const signIn = createServerFn({ method: 'POST' })
  .validator(validateWith(z.object({ email, password: z.string().min(1, 'Enter your password.').max(200) })))
  .handler(async ({ data, context }) => {
    requirePasswordMode()
    const { db } = getDatabaseClient()
    const request = getRequest()
    const result = await attemptSignIn(db, {
      email: data.email,
      password: data.password,
      clientAddress: clientAddress(getRequestIP(), request.headers.get('x-forwarded-for'), getConfig().TRUSTED_PROXIES),
    })
    if (result.outcome === 'rate-limited') {
      throw new HttpError(429, 'Too many failed sign-in attempts. Wait 15 minutes and try again.')
    }
    if (result.outcome === 'wrong-credentials') throw new HttpError(401, 'Wrong email or password.')
    // Rotate: the session this browser had before signing in is not carried over.
    const previous = requestAuthOf(context).authTokenHash
    if (previous) await authRepository.revokeSession(db, previous)
    appendResponseHeader('set-cookie', await startSession(db, request, result.principal.user.id))
    return { ok: true as const }
  })

export const signUp = createServerFn({ method: 'POST' })
  .validator(
    validateWith(z.object({ email, password, displayName: z.string().trim().min(1, 'Enter your name.').max(100) })),
  )
  .handler(async ({ data }) => {
    requirePasswordMode()
    if (!getConfig().ALLOW_SIGNUP) throw new HttpError(403, SIGN_UP_CLOSED_MESSAGE)
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
