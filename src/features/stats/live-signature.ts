/**
 * What makes stats stale: a fingerprint of the sessions rows the stats are computed from. The
 * sessions shape streams every change of these rows (an ingest batch bumps `event_count`, the
 * token totals and `updated_at`), so when the fingerprint changes the aggregates are read again.
 */
interface SessionFacts {
  id: string
  eventCount: number
  inputTokens: number
  outputTokens: number
  status: string
  updatedAt: Date | string
}

const instant = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString())

/** Of every session of the account: any added, removed, grown or re-titled session changes it. */
export function accountSignature(sessions: readonly SessionFacts[]): string {
  let events = 0
  let tokens = 0
  let latest = ''
  for (const session of sessions) {
    events += session.eventCount
    tokens += session.inputTokens + session.outputTokens
    const updated = instant(session.updatedAt)
    if (updated > latest) latest = updated
  }
  return `${sessions.length}:${events}:${tokens}:${latest}`
}

/** Of one session; empty while its row is not (or no longer) in the collection. */
export function sessionSignature(session: SessionFacts | null | undefined): string {
  if (!session) return ''
  return `${session.id}:${session.eventCount}:${session.inputTokens + session.outputTokens}:${session.status}:${instant(session.updatedAt)}`
}
