import { getConfig } from '@config'
import { definePlugin } from 'nitro'
import { getDatabaseClient } from '~/server/database'
import { createLogger, describeError } from '~/server/log'
import { authRepository } from '~/server/repositories/auth-repository'
import { QUIET_SESSION_MS, sessionsRepository } from '~/server/repositories/sessions-repository'

/*
 * Housekeeping every instance does (each statement is idempotent, so several instances doing it is
 * harmless), with or without discovery:
 * - hourly, prunes what would otherwise grow forever: sign-in sessions dead for a day (expired or
 *   revoked) and sign-in attempts older than a day (the rate-limit window is 15 minutes);
 * - every minute, marks `interrupted` the live sessions whose writer is gone: an upload quiet for
 *   5 minutes (it writes every 250 ms) and a pushed log quiet for 10 (agent-push completes a log
 *   itself after 2 quiet minutes).
 */
const EVERY_MS = 60 * 60 * 1000
const KEEP_DEAD_MS = 24 * 60 * 60 * 1000
const SWEEP_EVERY_MS = 60 * 1000

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

async function interruptQuietSessions() {
  try {
    const count = await sessionsRepository.interruptQuietSessions(getDatabaseClient().db, QUIET_SESSION_MS)
    if (count > 0) log.info(`marked ${count} live sessions interrupted: their upload or pushing machine went quiet`)
  } catch (error) {
    log.warn(`checking for quiet live sessions failed (retried in a minute): ${describeError(error)}`)
  }
}

export default definePlugin((nitroApp) => {
  if (!getConfig().DATABASE_URL) return
  void prune()
  void interruptQuietSessions()
  const timers = [
    setInterval(() => void prune(), EVERY_MS),
    setInterval(() => void interruptQuietSessions(), SWEEP_EVERY_MS),
  ]
  for (const timer of timers) timer.unref()
  nitroApp.hooks.hook('close', () => {
    for (const timer of timers) clearInterval(timer)
  })
})
