import { getConfig } from '@config'
import { createServerFn } from '@tanstack/react-start'
import { isOperator } from '~/server/auth/operator'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '~/server/database'
import { HttpError } from '~/server/http/errors'
import { requirePrincipal } from '~/server/http/middleware'
import { createLogger } from '~/server/log'
import { type DatabaseOverview, getDatabaseOverview } from '~/server/repositories/overview-repository'

export type OverviewResult =
  | { status: 'ok'; overview: DatabaseOverview; checkedAt: string }
  | { status: 'error'; message: string; checkedAt: string }

const log = createLogger('overview')

/**
 * Settings → System: the Postgres server, every table's rows across accounts and the caller's
 * own rows. Operators only (src/server/auth/operator.ts); anyone else gets 403. An unreachable
 * database is a result, not a throw.
 */
export const getOverview = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .handler(async ({ context }): Promise<OverviewResult> => {
    if (!isOperator(context.principal, getConfig().AUTH_MODE)) {
      throw new HttpError(403, 'Only operators of this server see its system overview.')
    }
    const checkedAt = new Date().toISOString()
    try {
      const { db } = getDatabaseClient()
      const overview = await withDatabaseTimeout(
        getDatabaseOverview(db, {
          accountId: context.principal.account.id,
          operator: true,
        }),
      )
      return { status: 'ok', overview, checkedAt }
    } catch (error) {
      const message = describeDatabaseError(error)
      log.error(message)
      return { status: 'error', message, checkedAt }
    }
  })
