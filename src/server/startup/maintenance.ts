import { getConfig } from '@config'
import { definePlugin } from 'nitro'
import { getDatabaseClient } from '~/server/database'
import { createLogger, describeError } from '~/server/log'
import { authRepository } from '~/server/repositories/auth-repository'

/*
 * Prunes what would otherwise grow forever: sign-in sessions dead for a day (expired or revoked)
 * and sign-in attempts older than a day (the rate-limit window is 15 minutes). Runs once at start
 * and then hourly; the deletes are idempotent, so several instances doing it is harmless.
 */
const EVERY_MS = 60 * 60 * 1000
const KEEP_DEAD_MS = 24 * 60 * 60 * 1000

const log = createLogger('maintenance')

async function prune() {
  const before = new Date(Date.now() - KEEP_DEAD_MS)
  try {
    const deleted = await authRepository.pruneAuthRecords(getDatabaseClient().db, {
      sessionsBefore: before,
      attemptsBefore: before,
    })
    if (deleted.sessions > 0 || deleted.attempts > 0) {
      log.info(`pruned ${deleted.sessions} dead sign-in sessions and ${deleted.attempts} old sign-in attempts`)
    }
  } catch (error) {
    log.warn(`pruning sign-in records failed (retried in an hour): ${describeError(error)}`)
  }
}

export default definePlugin((nitroApp) => {
  if (!getConfig().DATABASE_URL) return
  void prune()
  const timer = setInterval(() => void prune(), EVERY_MS)
  timer.unref()
  nitroApp.hooks.hook('close', () => clearInterval(timer))
})
