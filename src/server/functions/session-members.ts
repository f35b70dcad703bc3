/**
 * Team membership (password mode): the owner shares a session with another account's user by
 * e-mail, lists and removes them. principal → access to the session → the repository, which
 * requires ownership (a member cannot add or remove others). A change ends the member's held
 * `shared_sessions` request at once on this instance (the member watch does it on the others).
 */
import { getConfig } from '@config'
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { getDatabaseClient } from '~/server/database'
import { HttpError, validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'
import { sessionMembersRepository } from '~/server/repositories/session-members-repository'
import { getMemberWatch } from '~/server/shapes/member-watch'

const ONLY_OWNER = 'Only the owner of a session can share it with people.'
const sessionId = z.string().uuid('This is not a session id; reload the page and try again.')
const addMemberInput = z.object({
  sessionId,
  email: z.string().trim().email('Enter the e-mail address the person signs in with.').max(320),
})
const removeMemberInput = z.object({ sessionId, userId: z.string().uuid('This is not a user id; reload the page.') })
const listMembersInput = z.object({ sessionId })

function requirePasswordMode() {
  if (getConfig().AUTH_MODE !== 'password')
    throw new HttpError(400, 'Sharing with people needs accounts (AUTH_MODE=password); use a share link instead.')
}

/**
 * The member watch compares every held request's memberships with Postgres; running it now makes
 * the change immediate on this instance (other instances find it within a second).
 */
const checkHeldRequests = () => getMemberWatch().check()

export const addSessionMember = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(addMemberInput, (input) => input.sessionId, ONLY_OWNER)])
  .validator(validateWith(addMemberInput))
  .handler(async ({ data, context }) => {
    requirePasswordMode()
    const result = await sessionMembersRepository.addMember(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
      data.email,
    )
    await checkHeldRequests()
    return { userId: result.userId, added: result.added, txid: result.txid }
  })

export const removeSessionMember = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(removeMemberInput, (input) => input.sessionId, ONLY_OWNER)])
  .validator(validateWith(removeMemberInput))
  .handler(async ({ data, context }) => {
    const { txid } = await sessionMembersRepository.removeMember(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
      data.userId,
    )
    await checkHeldRequests()
    return { txid }
  })

export const listSessionMembers = createServerFn({ method: 'POST' })
  .middleware([requireSessionAccess(listMembersInput, (input) => input.sessionId, ONLY_OWNER)])
  .validator(validateWith(listMembersInput))
  .handler(async ({ data, context }) => {
    const members = await sessionMembersRepository.listMembers(
      getDatabaseClient().db,
      context.principal.account.id,
      data.sessionId,
    )
    return members.map((member) => ({ ...member, addedAt: member.addedAt.toISOString() }))
  })

/** Who shared sessions with the caller: account id → name, for the explorer's "shared by". */
export const listSharingOwners = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .handler(async ({ context }) =>
    sessionMembersRepository.sharingOwners(getDatabaseClient().db, {
      userId: context.principal.user.id,
      accountId: context.principal.account.id,
    }),
  )
