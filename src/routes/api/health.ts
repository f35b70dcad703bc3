import { createFileRoute } from '@tanstack/react-router'
import { describeDatabaseError, getDatabaseClient, withDatabaseTimeout } from '~/server/db'
import { getDatabaseStatus } from '~/server/repositories/overview-repository'

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

/**
 * Liveness and readiness in one: 200 when every dependency answers, 503 otherwise. Each dependency
 * is one key next to `database` (the sync service joins it), and `status` summarises them all.
 */
export const Route = createFileRoute('/api/health')({
  server: {
    handlers: {
      GET: async () => {
        const checks = { database: await checkDatabase() }
        const healthy = Object.values(checks).every((check) => check.status === 'ok')
        return Response.json(
          { status: healthy ? 'ok' : 'error', ...checks },
          { status: healthy ? 200 : 503, headers: { 'cache-control': 'no-store' } },
        )
      },
    },
  },
})
