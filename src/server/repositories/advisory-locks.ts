/**
 * Advisory locks that outlive a transaction: held on a connection of their own for as long as the
 * holder runs, released when it stops or its connection dies (so another instance can take over).
 */
import type postgres from 'postgres'

// The keys themselves are in src/db/advisory-locks.ts.

export interface HeldLock {
  release(): Promise<void>
  /** Resolves when the lock's connection is lost (the lock is gone with it). */
  lost: Promise<void>
}

/** Takes the lock if nobody holds it; undefined when another session does. */
export async function tryHoldAdvisoryLock(sql: postgres.Sql, key: number): Promise<HeldLock | undefined> {
  const connection = await sql.reserve()
  let rows: { locked: boolean }[]
  try {
    rows = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(${key}) as locked`
  } catch (error) {
    connection.release()
    throw error
  }
  if (!rows[0]?.locked) {
    connection.release()
    return undefined
  }
  let released = false
  let markLost: () => void = () => {}
  const lost = new Promise<void>((resolve) => {
    markLost = resolve
  })
  // A cheap query every few seconds notices a dropped connection (and with it, a lost lock).
  const heartbeat = setInterval(() => {
    connection`select 1`.catch(() => {
      clearInterval(heartbeat)
      markLost()
    })
  }, 5_000)
  heartbeat.unref()
  return {
    lost,
    async release() {
      if (released) return
      released = true
      clearInterval(heartbeat)
      await connection`select pg_advisory_unlock(${key})`.catch(() => {})
      connection.release()
    },
  }
}
