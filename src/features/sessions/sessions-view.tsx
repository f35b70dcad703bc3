/**
 * The Sessions page body: upload controls and the live list of the account's sessions. A session
 * shows up (and its counts grow) through the sessions shape as soon as ingest writes its first
 * batch, in every open tab, whether it came from this browser, another one or discovery.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { RotateCcwIcon, ScrollTextIcon, TriangleAlertIcon } from 'lucide-react'
import { useMemo } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'
import { formatCount } from '~/lib/format'
import { SessionList, sortSessions } from './session-list'
import { SessionUpload } from './session-upload'

const reloadPage = () => window.location.reload()

export function SessionsSkeleton() {
  return (
    <div className="flex flex-col gap-3" aria-hidden>
      <Skeleton className="h-40 w-full rounded-xl" />
      <Skeleton className="h-16 w-full rounded-xl" />
      <Skeleton className="h-16 w-full rounded-xl" />
    </div>
  )
}

export function SessionsView() {
  const query = useLiveQuery((q) => q.from({ session: sessionsCollection }))
  const failure = useSyncFailure('sessions')
  const sessions = useMemo(() => sortSessions(query.data ?? []), [query.data])
  const liveCount = sessions.filter((session) => session.status === 'live').length

  return (
    <div className="flex flex-col gap-4">
      <SessionUpload />
      {failure || query.isError ? (
        <Alert variant="destructive">
          <TriangleAlertIcon aria-hidden />
          <AlertTitle>Sessions could not be synced</AlertTitle>
          <AlertDescription>
            <p>{failure?.message ?? 'The sync service refused the request.'} Reload the page to try again.</p>
            <Button size="sm" variant="outline" onClick={reloadPage}>
              <RotateCcwIcon aria-hidden />
              Reload
            </Button>
          </AlertDescription>
        </Alert>
      ) : null}
      {!query.isReady && !failure ? (
        <SessionsSkeleton />
      ) : sessions.length === 0 ? (
        <EmptyState icon={ScrollTextIcon} title="No sessions yet">
          <p>
            Upload a log above, or let Session Coach discover the logs on this machine (~/.codex/sessions,
            ~/.gemini/tmp, ~/.claude/projects). Each session is stored in Postgres and shows up here while it is read.
          </p>
        </EmptyState>
      ) : (
        <section aria-labelledby="session-list-heading" className="flex flex-col gap-2">
          <h2 id="session-list-heading" className="font-medium text-sm">
            {formatCount(sessions.length)} session{sessions.length === 1 ? '' : 's'}
            {liveCount > 0 ? `, ${formatCount(liveCount)} live` : ''}
          </h2>
          <SessionList sessions={sessions} />
        </section>
      )}
    </div>
  )
}
