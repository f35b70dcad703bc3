/**
 * The account `--account` names, for both commands: looked up by a user's e-mail or by id, so an
 * operator can target an account without reading ids out of the database.
 */
import type { Executor } from '~/db/client'
import { findAccount } from '~/server/repositories/accounts-repository'
import type { AccountRef } from './cli-options'
import { legacyRepository } from './legacy-repository'

export type AccountLookup = { found: true; accountId: string } | { found: false; problem: string }

export async function findNamedAccount(db: Executor, ref: AccountRef): Promise<AccountLookup> {
  if ('email' in ref) {
    const accountId = await legacyRepository.findAccountIdByUserEmail(db, ref.email)
    if (accountId) return { found: true, accountId }
    return {
      found: false,
      problem:
        `No user has the e-mail ${ref.email}, so there is no account to use. ` +
        'Create the user first (`pnpm user:create`, or sign-up where it is open) and run the command again, ' +
        'or pass the account id instead.',
    }
  }
  if (await findAccount(db, ref.id)) return { found: true, accountId: ref.id }
  return {
    found: false,
    problem: `No account has the id ${ref.id}. Check the id, or name the account by the e-mail of one of its users.`,
  }
}
