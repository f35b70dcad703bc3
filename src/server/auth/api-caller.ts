/**
 * Who calls a route that accepts an API token (src/server/auth/bearer-auth.ts) as well as the
 * browser session: the token's owner when the request carries `Authorization: Bearer`, else the
 * principal the request middleware resolved from the cookie.
 */
import type { ApiTokenScope } from '~/domain/api-tokens/api-token-scopes'
import { getDatabaseClient } from '~/server/database'
import type { Principal } from '~/server/repositories/accounts-repository'
import { authenticateBearer, bearerTokenOf } from './bearer-auth'
import { requestAuthOf } from './request-context'

export type ApiCaller = { principal: Principal; viaToken: boolean }

export const NOT_SIGNED_IN_MESSAGE =
  'You are not signed in (or your session expired). Reload the page to sign in again, ' +
  'or send an API token as "Authorization: Bearer <token>".'

export async function resolveApiCaller(
  request: Request,
  context: unknown,
  scope: ApiTokenScope,
): Promise<ApiCaller | Response> {
  if (bearerTokenOf(request) !== undefined) {
    const result = await authenticateBearer(getDatabaseClient().db, request, scope)
    return result.ok ? { principal: result.principal, viaToken: true } : result.response
  }
  const { principal } = requestAuthOf(context)
  if (!principal) {
    return Response.json({ message: NOT_SIGNED_IN_MESSAGE }, { status: 401, headers: { 'cache-control': 'no-store' } })
  }
  return { principal, viaToken: false }
}
