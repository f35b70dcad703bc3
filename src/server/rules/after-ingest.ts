/**
 * Ingest calls this after each committed batch: a new session is bound to its repository when its
 * cwd is on this server (which reads its rules), and every batch with events re-runs detection,
 * so misalignments appear while a live session grows. Runs after the commit and never fails
 * ingest: errors are logged. Batches that arrive while a run is busy coalesce into one more run.
 */
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import { createLogger, describeError } from '~/server/log'
import { detectSessionMisalignments } from './detect-session'
import { bindAutomatically } from './session-rules'

const log = createLogger('rules')

interface Run {
  again: boolean
  done: Promise<void>
}

const running = new Map<string, Run>()

async function work(db: Executor, session: Session, created: boolean) {
  if (created && (await bindAutomatically(db, session))) return
  await detectSessionMisalignments(db, session)
}

/** Resolves when the session's rules and misalignments reflect this batch (tests await it). */
export function refreshRulesAfterIngest(db: Executor, session: Session, created: boolean): Promise<void> {
  const current = running.get(session.id)
  if (current) {
    current.again = true
    return current.done
  }
  const run: Run = { again: false, done: Promise.resolve() }
  run.done = (async () => {
    try {
      await work(db, session, created)
      while (run.again) {
        run.again = false
        await detectSessionMisalignments(db, session)
      }
    } catch (error) {
      log.warn(`rules for session ${session.id} not refreshed: ${describeError(error)}`)
    } finally {
      running.delete(session.id)
    }
  })()
  running.set(session.id, run)
  return run.done
}

/** Resolves once no refresh of this session's rules is running (tests and scripts await it). */
export function rulesSettled(sessionId: string): Promise<void> {
  return running.get(sessionId)?.done ?? Promise.resolve()
}
