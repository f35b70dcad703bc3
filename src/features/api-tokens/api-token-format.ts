import type { ApiTokenRow } from '~/collections/api-tokens-collection'

export type ApiTokenState = 'active' | 'revoked' | 'expired'

export function apiTokenState(token: Pick<ApiTokenRow, 'revokedAt' | 'expiresAt'>, now: number): ApiTokenState {
  if (token.revokedAt) return 'revoked'
  if (token.expiresAt && token.expiresAt.getTime() <= now) return 'expired'
  return 'active'
}

export function expiryLabel(days: number | null) {
  if (days === null) return 'Never'
  if (days === 365) return '1 year'
  return `${days} days`
}
