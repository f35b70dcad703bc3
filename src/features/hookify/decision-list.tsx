/** Every gate decision of a session, newest first, live, filterable by outcome and source. */
import { useLiveQuery } from '@tanstack/react-db'
import { useState } from 'react'
import { sessionCollection } from '~/collections/session-collections'
import { HOOK_SOURCES, type HookSource } from '~/domain/hookify/gate'
import { SeverityBadge } from '~/features/rules/severity-badge'

type Outcome = 'all' | 'blocked' | 'allowed'

const selectClass =
  'h-9 rounded-md border border-input bg-card px-2.5 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40'

export function DecisionList({ sessionId }: { sessionId: string }) {
  const collection = sessionCollection('hookify_decisions', sessionId)
  const result = useLiveQuery(
    (q) => q.from({ decision: collection }).orderBy(({ decision }) => decision.createdAt, 'desc'),
    [sessionId],
  )
  const [outcome, setOutcome] = useState<Outcome>('all')
  const [source, setSource] = useState<HookSource | 'all'>('all')
  const rows = (result.data ?? []).filter(
    (row) =>
      (outcome === 'all' || (outcome === 'blocked') === row.blocked) && (source === 'all' || row.source === source),
  )
  return (
    <section aria-labelledby="decisions-heading" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="decisions-heading" className="font-semibold text-lg">
          Gate decisions
        </h2>
        <div className="flex flex-wrap gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Outcome
            <select className={selectClass} value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
              <option value="all">All</option>
              <option value="blocked">Blocked</option>
              <option value="allowed">Allowed</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            Source
            <select
              className={selectClass}
              value={source}
              onChange={(e) => setSource(e.target.value as HookSource | 'all')}
            >
              <option value="all">All</option>
              {HOOK_SOURCES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {!result.isReady ? (
        <p role="status" className="text-muted-foreground text-sm">
          Loading decisions…
        </p>
      ) : rows.length === 0 ? (
        <p className="text-muted-foreground text-sm">
          {(result.data ?? []).length === 0
            ? 'Nothing was added to the coach from this session yet.'
            : 'No decision matches these filters.'}
        </p>
      ) : (
        <ul className="flex flex-col gap-2">
          {rows.map((row) => (
            <li
              key={row.id}
              className="flex flex-col gap-1 rounded-lg border bg-card p-3 text-sm"
              data-testid="decision-item"
              data-blocked={row.blocked}
            >
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{row.blocked ? 'Blocked' : 'Allowed'}</span>
                <SeverityBadge severity={row.severity} />
                <span className="text-muted-foreground">from {row.source}</span>
                <time className="text-muted-foreground" dateTime={row.createdAt.toISOString()}>
                  {row.createdAt.toLocaleString()}
                </time>
              </div>
              {row.message ? <p className="[overflow-wrap:anywhere]">{row.message}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
