/** Read-only server functions of the stats pages (docs/stats.md): the caller's account, or one session it may read. */
import { createServerFn } from '@tanstack/react-start'
import { z } from 'zod'
import { getDatabaseClient, withDatabaseTimeout } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal, requireSessionAccess } from '~/server/http/middleware'
import { statsRepository } from '~/server/repositories/stats-repository'

/** Aggregates read every event of the sessions involved: allow more than a single-row read. */
const STATS_TIMEOUT_MS = 15_000

function isTimeZone(name: string) {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

const accountStatsInput = z.object({
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'timeZone must be an IANA time zone such as "Europe/Berlin" or "UTC".'),
})

const sessionStatsInput = z.object({ sessionId: z.string().uuid('Unknown session.') })

export const getAccountStats = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .validator(validateWith(accountStatsInput))
  .handler(({ data, context }) =>
    withDatabaseTimeout(
      statsRepository.getAccountStats(getDatabaseClient().db, {
        accountId: context.principal.account.id,
        timeZone: data.timeZone,
      }),
      STATS_TIMEOUT_MS,
    ),
  )

export const getSessionStats = createServerFn({ method: 'GET' })
  .middleware([requireSessionAccess(sessionStatsInput, (input) => input.sessionId)])
  .validator(validateWith(sessionStatsInput))
  .handler(({ context }) => {
    // requireSessionAccess refused every session the caller may not read, so one is always here.
    const session = context.session as NonNullable<typeof context.session>
    return withDatabaseTimeout(
      statsRepository.getSessionStats(getDatabaseClient().db, { id: session.id, accountId: session.accountId }),
      STATS_TIMEOUT_MS,
    )
  })
