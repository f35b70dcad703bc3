/**
 * The Rules page: pick a session to see its misalignments (live), the gate's decisions and where
 * its rules come from; below, the inventory of every rule by session or by repository.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { Link, useNavigate } from '@tanstack/react-router'
import { useCallback, useEffect, useId, useState } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { DecisionList } from '~/features/hookify/decision-list'
import { SessionSelect, sessionChoices } from '~/features/todos/session-select'
import { errorMessage } from '~/lib/error-message'
import { listRuleInventory, type RuleInventoryRow } from '~/server/functions/rules'
import { MisalignmentList } from './misalignment-list'
import { RuleInventory } from './rule-inventory'
import { RulesSourceForm } from './rules-source-form'

function useInventory() {
  const [rows, setRows] = useState<RuleInventoryRow[]>([])
  const [state, setState] = useState<'loading' | 'ready' | { error: string }>('loading')
  const reload = useCallback(() => {
    listRuleInventory()
      .then((result) => {
        setRows(result)
        setState('ready')
      })
      .catch((error: unknown) => setState({ error: errorMessage(error) }))
  }, [])
  useEffect(reload, [reload])
  return { rows, state, reload }
}

export function RulesView({ sessionId }: { sessionId: string | undefined }) {
  const navigate = useNavigate()
  const sessions = useLiveQuery((q) =>
    q.from({ session: sessionsCollection }).orderBy(({ session }) => session.createdAt, 'desc'),
  )
  const inventory = useInventory()
  const [view, setView] = useState<'session' | 'repository'>('session')
  const selectId = useId()

  return (
    <div className="flex flex-col gap-8">
      <div className="flex flex-col gap-1">
        <label htmlFor={selectId} className="font-medium text-sm">
          Session
        </label>
        <SessionSelect
          id={selectId}
          sessions={sessionChoices(sessions.data ?? [])}
          loading={!sessions.isReady}
          value={sessionId ?? null}
          onValueChange={(next) => void navigate({ to: '/rules', search: next ? { sessionId: next } : {} })}
          className="max-w-md"
        />
      </div>
      {sessionId ? (
        <>
          <MisalignmentList sessionId={sessionId} />
          <RulesSourceForm sessionId={sessionId} onChanged={inventory.reload} />
          <DecisionList sessionId={sessionId} />
        </>
      ) : sessions.isReady && (sessions.data ?? []).length === 0 ? (
        // Nothing to pick yet: say where sessions come from instead of asking for one.
        <p className="text-muted-foreground text-sm">
          Rules are checked per session, and this account has none yet.{' '}
          <Link to="/sessions" className="text-foreground underline underline-offset-2">
            Upload a session
          </Link>{' '}
          to see its misalignments, add rules to it and review the coach gate's decisions.
        </p>
      ) : (
        <p className="text-muted-foreground text-sm">
          Pick a session to see its misalignments, add rules to it and review the coach gate's decisions.
        </p>
      )}
      <section aria-labelledby="inventory-heading" className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="inventory-heading" className="font-semibold text-lg">
            Rule inventory
          </h2>
          <fieldset className="flex gap-3 text-sm">
            <legend className="sr-only">Group rules by</legend>
            {(['session', 'repository'] as const).map((value) => (
              <label key={value} className="flex items-center gap-1">
                <input type="radio" name="inventory-view" checked={view === value} onChange={() => setView(value)} />
                By {value}
              </label>
            ))}
          </fieldset>
        </div>
        <RuleInventory rows={inventory.rows} view={view} state={inventory.state} />
      </section>
    </div>
  )
}
