/**
 * Share links (docs/security.md, "Share links"). The owner creates and revokes links: principal →
 * access to the session → the repository, which also requires ownership (a session merely shared
 * with the caller cannot be re-shared). `openShareLink` is the one function a visitor without an
 * account calls: the token is its whole authorization, checked against Postgres on every call.
 */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'
import { shareLinksRepository } from '~/server/repositories/share-links-repository'
import { SHARE_ENDED_MESSAGES } from '~/server/share/share-shape'

/** At most a year; null: until revoked. */
const MAX_EXPIRY_MINUTES = 365 * 24 * 60

const createShareLinkInput = z.object({
  sessionId: z.string().uuid('This is not a session id; reload the page and try again.'),
  expiresInMinutes: z
    .number()
    .int('The expiry must be a whole number of minutes.')
    .min(1, 'A link must stay valid for at least a minute.')
    .max(MAX_EXPIRY_MINUTES, 'A link can expire at most a year from now; choose "never" and revoke it instead.')
    .nullable(),
  includeUploads: z.boolean(),
  includeRules: z.boolean(),
  includeCoach: z.boolean(),
})
const revokeShareLinkInput = z.object({ id: z.string().uuid('This is not a share link id; reload the page.') })
// Any string up to a sane length: a malformed token is answered like an unknown one.
const openShareLinkInput = z.object({ token: z.string().max(200, 'This is not a share link.') })

export const createShareLink = createServerFn({ method: 'POST' })
  .middleware([
    requireSessionAccess(createShareLinkInput, (input) => input.sessionId, 'Only the owner of a session can share it.'),
  ])
  .validator(validateWith(createShareLinkInput))
  .handler(async ({ data, context }) => {
    const { expiresInMinutes, sessionId, ...include } = data
    const { link, token, txid } = await shareLinksRepository.createLink(
      getDatabaseClient().db,
      { accountId: context.principal.account.id, userId: context.principal.user.id },
      sessionId,
      { ...include, expiresAt: expiresInMinutes === null ? null : new Date(Date.now() + expiresInMinutes * 60_000) },
    )
    // The token is shown to the owner this once; only its hash is stored.
    return { id: link.id, token, txid }
  })

export const revokeShareLink = createServerFn({ method: 'POST' })
  .middleware([requirePrincipal])
  .validator(validateWith(revokeShareLinkInput))
  .handler(async ({ data, context }) => {
    const { txid } = await shareLinksRepository.revokeLink(
      getDatabaseClient().db,
      context.principal.account.id,
      data.id,
    )
    return { txid }
  })

export type OpenedShareLink =
  | {
      state: 'valid'
      sessionId: string
      title: string
      expiresAt: string | null
      include: { uploads: boolean; rules: boolean; coach: boolean }
    }
  | { state: 'unknown' | 'revoked' | 'expired'; message: string }

/** What a visitor's token opens; counts the view. Public: the token is the authorization. */
export const openShareLink = createServerFn({ method: 'POST' })
  .validator(validateWith(openShareLinkInput))
  .handler(async ({ data }): Promise<OpenedShareLink> => {
    const db = getDatabaseClient().db
    const resolved = await shareLinksRepository.resolveToken(db, data.token)
    if (resolved.state !== 'valid') return { state: resolved.state, message: SHARE_ENDED_MESSAGES[resolved.state] }
    await shareLinksRepository.recordView(db, resolved.link.id)
    return {
      state: 'valid',
      sessionId: resolved.session.id,
      title: resolved.session.title,
      expiresAt: resolved.link.expiresAt?.toISOString() ?? null,
      include: {
        uploads: resolved.link.includeUploads,
        rules: resolved.link.includeRules,
        coach: resolved.link.includeCoach,
      },
    }
  })
