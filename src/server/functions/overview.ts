import { createServerFn } from '@tanstack/react-start'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '../database'
import { createLogger } from '../log'
import { type DatabaseOverview, getDatabaseOverview } from '../repositories/overview-repository'

export type OverviewResult =
  | { status: 'ok'; overview: DatabaseOverview; checkedAt: string }
  | { status: 'error'; message: string; checkedAt: string }

const log = createLogger('overview')

/** Database status and row counts for the home page; an unreachable database is a result, not a throw. */
export const getOverview = createServerFn({ method: 'GET' }).handler(async (): Promise<OverviewResult> => {
  const checkedAt = new Date().toISOString()
  try {
    const { db } = getDatabaseClient()
    const overview = await withDatabaseTimeout(getDatabaseOverview(db))
    return { status: 'ok', overview, checkedAt }
  } catch (error) {
    const message = describeDatabaseError(error)
    log.error(message)
    return { status: 'error', message, checkedAt }
  }
})
