/**
 * Ingest calls this after each committed batch: a new session is bound to its repository when its
 * cwd is on this server (which reads its rules), and every batch that wrote events runs detection
 * over what it wrote (incrementally, see detect-session.ts), so misalignments appear while a live
 * session grows. Runs after the commit and never fails ingest: errors are logged. Batches that
 * arrive while a run is busy coalesce into one more run covering all of them.
 */
import type { Executor } from '~/db/client'
import type { Session } from '~/db/schema'
import { createLogger, describeError } from '~/server/log'
import { detectChangedEvents, detectSessionMisalignments, type EventsChange } from './detect-session'
import { bindAutomatically } from './session-rules'

const log = createLogger('rules')

/** A new session (`created`) needs its cwd and names for binding; otherwise id and account do. */
type SessionRef = Pick<Session, 'id' | 'accountId'> & Partial<Session>

interface Run {
  /** What batches that arrived during this run wrote, for one more run; undefined: none came. */
  again: EventsChange | undefined
  done: Promise<void>
}

const running = new Map<string, Run>()

function merge(a: EventsChange | undefined, b: EventsChange): EventsChange {
  if (!a) return b
  return { firstOrdinal: Math.min(a.firstOrdinal, b.firstOrdinal), lastOrdinal: Math.max(a.lastOrdinal, b.lastOrdinal) }
}

async function work(db: Executor, session: SessionRef, created: boolean, change: EventsChange | undefined) {
  // Binding reads the rules and scans the whole session.
  if (created && (await bindAutomatically(db, session))) return
  if (change) await detectChangedEvents(db, session, change)
  else await detectSessionMisalignments(db, session)
}

/**
 * Resolves when the session's rules and misalignments reflect this batch (tests await it).
 * `change` is what the batch wrote (lowest and highest ordinal); without it the whole session is
 * scanned.
 */
export function refreshRulesAfterIngest(
  db: Executor,
  session: SessionRef,
  created: boolean,
  change?: EventsChange,
): Promise<void> {
  const current = running.get(session.id)
  if (current) {
    current.again = merge(current.again, change ?? { firstOrdinal: -1, lastOrdinal: -1 })
    return current.done
  }
  const run: Run = { again: undefined, done: Promise.resolve() }
  run.done = (async () => {
    try {
      await work(db, session, created, change)
      while (run.again) {
        const next = run.again
        run.again = undefined
        await detectChangedEvents(db, session, next)
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
