import { useLiveQuery } from '@tanstack/react-db'
import { createFileRoute, useNavigate, useRouterState } from '@tanstack/react-router'
import { MessagesSquareIcon } from 'lucide-react'
import { useId, useMemo } from 'react'
import { z } from 'zod'
import { sessionsCollection } from '~/collections/sessions-collection'
import { EmptyState } from '~/components/layout/empty-state'
import { PageHeader } from '~/components/layout/page-header'
import { Skeleton } from '~/components/ui/skeleton'
import type { Session } from '~/db/schema'
import { readCoachPrefill } from '~/domain/hookify/coach-prefill'
import { CoachPanel } from '~/features/coach/coach-panel'
import { prefillForPanel } from '~/features/coach/coach-prefill'
import { SessionSelect, sessionChoices } from '~/features/todos/session-select'

const coachSearchSchema = z.object({ sessionId: z.string().uuid().optional().catch(undefined) })

export const Route = createFileRoute('/_app/coach')({
  head: () => ({ meta: [{ title: 'Coach · Session Coach' }] }),
  validateSearch: coachSearchSchema,
  // Collections sync in the browser only.
  ssr: false,
  loader: async () => {
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: () => <Skeleton className="h-96 w-full" />,
  component: CoachPage,
})

function CoachPage() {
  const { sessionId } = Route.useSearch()
  const navigate = useNavigate({ from: '/coach' })
  const pickerId = useId()
  const state = useRouterState({ select: (router) => router.location.state })
  const sessionsQuery = useLiveQuery((q) =>
    q.from({ session: sessionsCollection }).orderBy(({ session }) => session.lastEventAt, 'desc'),
  )
  const sessions = (sessionsQuery.data ?? []) as Session[]
  const choices = useMemo(() => sessionChoices(sessions), [sessions])
  const chosen = sessionId ? sessions.find((session) => session.id === sessionId) : undefined
  const prefill = useMemo(
    () => (sessionId ? prefillForPanel(readCoachPrefill(state), sessionId) : null),
    [state, sessionId],
  )

  return (
    <>
      <PageHeader
        title="Coach"
        description="Talk a session through with a coach that knows its events and your repository's rules."
        actions={
          <div className="flex items-center gap-2 text-sm">
            <label htmlFor={pickerId}>Session</label>
            <SessionSelect
              id={pickerId}
              sessions={choices}
              loading={!sessionsQuery.isReady}
              value={sessionId ?? null}
              onValueChange={(id) => void navigate({ search: id ? { sessionId: id } : {} })}
              className="max-w-[16rem]"
            />
          </div>
        }
      />
      {!sessionId ? (
        <EmptyState icon={MessagesSquareIcon} title="Pick a session">
          <p>
            The coach talks about one session at a time: choose it above, or use “Add to coach” on a session’s timeline.
          </p>
        </EmptyState>
      ) : sessionsQuery.isReady && !chosen ? (
        <EmptyState icon={MessagesSquareIcon} title="Session not found">
          <p>This session does not exist, was deleted, or belongs to another account. Pick another one above.</p>
        </EmptyState>
      ) : (
        <CoachPanel key={sessionId} sessionId={sessionId} prefill={prefill} heading="Chat" />
      )}
    </>
  )
}
