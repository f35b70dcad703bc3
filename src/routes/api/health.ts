import { getConfig } from '@config'
import { createFileRoute } from '@tanstack/react-router'
import { errorMessage } from '~/lib/error-message'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '~/server/database'
import { createLogger } from '~/server/log'
import { pingDatabase } from '~/server/repositories/overview-repository'

type CheckResult = { status: 'ok'; latencyMs: number } | { status: 'error'; message: string }

const log = createLogger('health')

async function checkDatabase(): Promise<CheckResult> {
  const started = performance.now()
  try {
    const { db } = getDatabaseClient()
    await withDatabaseTimeout(pingDatabase(db), 3_000)
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) }
  } catch (error) {
    log.error(`database: ${describeDatabaseError(error)}`)
    return { status: 'error', message: 'The database is not reachable.' }
  }
}

async function checkSync(): Promise<CheckResult> {
  const { ELECTRIC_URL } = getConfig()
  if (!ELECTRIC_URL) return { status: 'error', message: 'Live sync is not configured.' }
  const started = performance.now()
  try {
    const response = await fetch(`${ELECTRIC_URL}/v1/health`, { signal: AbortSignal.timeout(3_000) })
    const body = (await response.json().catch(() => ({}))) as { status?: string }
    if (response.status === 200) return { status: 'ok', latencyMs: Math.round(performance.now() - started) }
    log.error(`sync service answered ${response.status} (${body.status ?? 'no status'})`)
    return { status: 'error', message: 'The sync service is not ready.' }
  } catch (error) {
    log.error(`sync service not reachable: ${errorMessage(error)}`)
    return { status: 'error', message: 'The sync service is not reachable.' }
  }
}

/**
 * Public, and answered for any Host (orchestrators probe it by address), so it says only whether
 * each dependency answers and how fast; database name and version are for operators (home page).
 * Liveness and readiness in one: 200 when every dependency answers, 503 otherwise. Each dependency
 * is one key next to `database` (the sync service joins it), and `status` summarises them all.
 */
export const Route = createFileRoute('/api/health')({
  server: {
    handlers: {
      GET: async () => {
        const [database, sync] = await Promise.all([checkDatabase(), checkSync()])
        const checks = { database, sync }
        const healthy = Object.values(checks).every((check) => check.status === 'ok')
        return Response.json(
          { status: healthy ? 'ok' : 'error', ...checks },
          { status: healthy ? 200 : 503, headers: { 'cache-control': 'no-store' } },
        )
      },
    },
  },
})
