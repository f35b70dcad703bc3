/**
 * A session's misalignments, live, with filters (status, minimum severity) and the actions a person
 * takes: acknowledge, dismiss, reopen (each names the version it saw, so a change made meanwhile on
 * another device is refused with a clear message instead of overwritten), review in the coach, and
 * generate a hook that would have stopped it.
 */
import { Link } from '@tanstack/react-router'
import { ShieldCheckIcon } from 'lucide-react'
import { useState } from 'react'
import { EmptyState } from '~/components/layout/empty-state'
import { notify } from '~/components/layout/notifications'
import { Button } from '~/components/ui/button'
import { remediationPrompt } from '~/domain/misalignments/remediation-prompt'
import { SEVERITIES, type Severity, severityRank } from '~/domain/misalignments/severity'
import { MISALIGNMENT_STATUSES, MISALIGNMENT_TRANSITIONS, type MisalignmentStatus } from '~/domain/misalignments/status'
import { useAddToCoach } from '~/features/hookify/use-add-to-coach'
import { errorMessage } from '~/lib/error-message'
import { changeMisalignmentStatus } from '~/server/functions/rules'
import { HookGenerator } from './hook-generator'
import { SeverityBadge } from './severity-badge'
import { type MisalignmentRow, useSessionMisalignments } from './use-session-misalignments'

type StatusFilter = MisalignmentStatus | 'all'

const ACTION_LABELS: Record<MisalignmentStatus, string> = {
  acknowledged: 'Acknowledge',
  dismissed: 'Dismiss',
  open: 'Reopen',
}

const selectClass =
  'h-9 rounded-md border border-input bg-card px-2.5 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40'

export function MisalignmentList({ sessionId }: { sessionId: string }) {
  const { rows, isReady, collection } = useSessionMisalignments(sessionId)
  const [status, setStatus] = useState<StatusFilter>('all')
  const [minSeverity, setMinSeverity] = useState<Severity>('info')
  const [busy, setBusy] = useState<string | null>(null)
  const addToCoach = useAddToCoach()

  const shown = rows.filter(
    (row) => (status === 'all' || row.status === status) && severityRank(row.severity) >= severityRank(minSeverity),
  )

  async function changeStatus(row: MisalignmentRow, next: MisalignmentStatus) {
    setBusy(row.id)
    try {
      const { txid } = await changeMisalignmentStatus({
        data: { sessionId, misalignmentId: row.id, status: next, expectedVersion: row.version },
      })
      await collection.utils.awaitTxId(txid)
    } catch (error) {
      notify({ tone: 'destructive', title: `Could not change "${row.title}"`, description: errorMessage(error) })
    } finally {
      setBusy(null)
    }
  }

  async function addEvent(row: MisalignmentRow, ordinal: number, text: string) {
    setBusy(row.id)
    try {
      await addToCoach({
        sessionId,
        source: 'timeline',
        content: `Analyze this timeline event #${ordinal + 1}:\n\n${text}\n\nWhat are the implications of this event?`,
        eventRange: { start: ordinal, end: ordinal },
      })
    } catch {
      // useAddToCoach has told the person what went wrong.
    } finally {
      setBusy(null)
    }
  }

  async function review(row: MisalignmentRow) {
    setBusy(row.id)
    try {
      await addToCoach({
        sessionId,
        source: 'manual',
        content: remediationPrompt(row),
        misalignmentId: row.id,
        ...(row.eventRange ? { eventRange: { start: row.eventRange.startIndex, end: row.eventRange.endIndex } } : {}),
      })
    } catch {
      // useAddToCoach has told the person what went wrong.
    } finally {
      setBusy(null)
    }
  }

  return (
    <section aria-labelledby="misalignments-heading" className="flex flex-col gap-3" id="misalignments">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id="misalignments-heading" className="font-semibold text-lg">
          Misalignments
        </h2>
        <div className="flex flex-wrap gap-3">
          <label className="flex flex-col gap-1 text-sm">
            Status
            <select
              className={selectClass}
              value={status}
              onChange={(event) => setStatus(event.target.value as StatusFilter)}
            >
              <option value="all">All</option>
              {MISALIGNMENT_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            At least
            <select
              className={selectClass}
              value={minSeverity}
              onChange={(event) => setMinSeverity(event.target.value as Severity)}
            >
              {SEVERITIES.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {!isReady ? (
        <p className="text-muted-foreground text-sm" role="status">
          Loading misalignments…
        </p>
      ) : rows.length === 0 ? (
        <EmptyState icon={ShieldCheckIcon} title="No misalignments">
          <p>No rule of this session was broken, or the session has no rules that name a command or phrase yet.</p>
        </EmptyState>
      ) : shown.length === 0 ? (
        <p className="text-muted-foreground text-sm" role="status">
          No misalignment matches these filters.
        </p>
      ) : (
        <ul className="flex flex-col gap-3">
          {shown.map((row) => (
            <li
              key={row.id}
              className="flex flex-col gap-2 rounded-lg border bg-card p-3"
              data-testid="misalignment-item"
              data-status={row.status}
              data-rule-id={row.ruleId}
            >
              <div className="flex flex-wrap items-center gap-2">
                <SeverityBadge severity={row.severity} />
                <h3 className="min-w-0 font-medium [overflow-wrap:anywhere]">{row.title}</h3>
                <span className="text-muted-foreground text-xs" data-testid="misalignment-status">
                  {row.status}
                </span>
              </div>
              <p className="text-muted-foreground text-sm [overflow-wrap:anywhere]">{row.summary}</p>
              <ul className="flex flex-col gap-1 text-sm">
                {row.evidence.map((item) => (
                  <li key={`${item.eventIndex}-${item.message}`} className="[overflow-wrap:anywhere]">
                    {item.eventIndex === undefined ? null : (
                      <Link
                        to="/sessions/$sessionId"
                        params={{ sessionId }}
                        hash={String(item.eventIndex + 1)}
                        className="mr-2 font-mono underline underline-offset-2"
                      >
                        #{item.eventIndex + 1}
                      </Link>
                    )}
                    <code className="text-xs">{item.message}</code>
                    {item.eventIndex === undefined ? null : (
                      <Button
                        size="sm"
                        variant="ghost"
                        className="ml-2 h-7"
                        disabled={busy === row.id}
                        onClick={() => void addEvent(row, item.eventIndex as number, item.message)}
                      >
                        Add to coach<span className="sr-only"> event #{item.eventIndex + 1}</span>
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
              <div className="flex flex-wrap gap-2">
                {MISALIGNMENT_TRANSITIONS[row.status].map((next) => (
                  <Button
                    key={next}
                    size="sm"
                    variant="outline"
                    disabled={busy === row.id}
                    onClick={() => void changeStatus(row, next)}
                  >
                    {ACTION_LABELS[next]}
                    <span className="sr-only"> {row.title}</span>
                  </Button>
                ))}
                <Button size="sm" disabled={busy === row.id} onClick={() => void review(row)}>
                  Review in coach<span className="sr-only"> {row.title}</span>
                </Button>
                <HookGenerator sessionId={sessionId} ruleId={row.ruleId} label={row.title} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
