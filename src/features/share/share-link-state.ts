import type { ShareLinkRow } from '~/collections/share-links-collection'

export type ShareLinkStatus = 'active' | 'revoked' | 'expired'

/** A link's state for the owner's list, by the browser's clock (the server decides by its own). */
export function shareLinkStatus(
  link: Pick<ShareLinkRow, 'revokedAt' | 'expiresAt'>,
  now = Date.now(),
): ShareLinkStatus {
  if (link.revokedAt) return 'revoked'
  if (link.expiresAt && link.expiresAt.getTime() <= now) return 'expired'
  return 'active'
}

/** The link a visitor opens; the token exists only in the creator's browser, right after creating. */
export function shareUrl(token: string, origin = window.location.origin) {
  return `${origin}/share/${token}`
}

export const EXPIRY_CHOICES = [
  { value: '60', label: 'In 1 hour' },
  { value: '1440', label: 'In 1 day' },
  { value: '10080', label: 'In 7 days' },
  { value: '43200', label: 'In 30 days' },
  { value: 'never', label: 'Never (until revoked)' },
] as const
