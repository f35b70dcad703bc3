import { getConfig } from '@config'
import { createServerFn } from '@tanstack/react-start'
import { isOperator } from '~/server/auth/operator'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '~/server/database'
import { requirePrincipal } from '~/server/http/middleware'
import { createLogger } from '~/server/log'
import { type DatabaseOverview, getDatabaseOverview } from '~/server/repositories/overview-repository'

export type OverviewResult =
  | { status: 'ok'; overview: DatabaseOverview; checkedAt: string }
  | { status: 'error'; message: string; checkedAt: string }

const log = createLogger('overview')

/**
 * The home page's numbers: the caller's own rows, plus server internals for operators
 * (src/server/auth/operator.ts). An unreachable database is a result, not a throw.
 */
export const getOverview = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .handler(async ({ context }): Promise<OverviewResult> => {
    const checkedAt = new Date().toISOString()
    try {
      const { db } = getDatabaseClient()
      const overview = await withDatabaseTimeout(
        getDatabaseOverview(db, {
          accountId: context.principal.account.id,
          operator: isOperator(context.principal, getConfig().AUTH_MODE),
        }),
      )
      return { status: 'ok', overview, checkedAt }
    } catch (error) {
      const message = describeDatabaseError(error)
      log.error(message)
      return { status: 'error', message, checkedAt }
    }
  })
