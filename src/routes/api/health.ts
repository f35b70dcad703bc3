import { createFileRoute } from '@tanstack/react-router'
import { errorMessage } from '~/lib/error-message'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '~/server/database'
import { getDatabaseStatus } from '~/server/repositories/overview-repository'
import { getConfig } from '../../../app.config'

type CheckResult = { status: 'ok'; [detail: string]: unknown } | { status: 'error'; message: string }

async function checkDatabase(): Promise<CheckResult> {
  const started = performance.now()
  try {
    const { db } = getDatabaseClient()
    const status = await withDatabaseTimeout(getDatabaseStatus(db), 3_000)
    return { status: 'ok', latencyMs: Math.round(performance.now() - started), ...status }
  } catch (error) {
    return { status: 'error', message: describeDatabaseError(error) }
  }
}

async function checkSync(): Promise<CheckResult> {
  const { ELECTRIC_URL } = getConfig()
  if (!ELECTRIC_URL) return { status: 'error', message: 'ELECTRIC_URL is not set; live sync is unavailable.' }
  const started = performance.now()
  try {
    const response = await fetch(`${ELECTRIC_URL}/v1/health`, { signal: AbortSignal.timeout(3_000) })
    const body = (await response.json().catch(() => ({}))) as { status?: string }
    if (response.status === 200)
      return { status: 'ok', latencyMs: Math.round(performance.now() - started), service: body.status }
    return { status: 'error', message: `The sync service answered ${response.status} (${body.status ?? 'no status'}).` }
  } catch (error) {
    return { status: 'error', message: `The sync service is not reachable: ${errorMessage(error)}` }
  }
}

/**
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
