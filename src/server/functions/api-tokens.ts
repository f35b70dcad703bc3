/**
 * API tokens from Settings: create (the secret is in this answer only, never again) and revoke.
 * Cookie-only, like every server function: a token cannot mint or revoke tokens.
 */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { createApiTokenInput } from '~/domain/api-tokens/api-token-input'
import { generateApiToken } from '~/server/auth/api-token-secrets'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal } from '~/server/http/middleware'
import { apiTokensRepository } from '~/server/repositories/api-tokens-repository'

const DAY_MS = 24 * 60 * 60 * 1000

const revokeApiTokenInput = z.object({ id: z.string().uuid('This is not a token id; reload the page and try again.') })

export const createApiToken = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(createApiTokenInput))
  .handler(async ({ data, context }) => {
    const secret = generateApiToken()
    const { token, txid } = await apiTokensRepository.createToken(getDatabaseClient().db, {
      accountId: context.principal.account.id,
      userId: context.principal.user.id,
      name: data.name,
      scopes: data.scopes,
      expiresAt: data.expiresInDays === null ? null : new Date(Date.now() + data.expiresInDays * DAY_MS),
      prefix: secret.prefix,
      tokenHash: secret.tokenHash,
    })
    return { id: token.id, token: secret.token, prefix: token.prefix, txid }
  })

export const revokeApiToken = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(revokeApiTokenInput))
  .handler(async ({ data, context }) => {
    const { txid } = await apiTokensRepository.revokeToken(
      getDatabaseClient().db,
      { accountId: context.principal.account.id, userId: context.principal.user.id },
      data.id,
    )
    return { txid }
  })
