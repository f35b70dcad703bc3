import { createFileRoute } from '@tanstack/react-router'
import { sessionsCollection } from '~/collections/sessions-collection'
import { SessionStatsView } from '~/features/stats/session-stats-view'
import { StatsSkeleton } from '~/features/stats/stats-states'

export const Route = createFileRoute('/_app/sessions_/$sessionId_/stats')({
  head: () => ({ meta: [{ title: 'Session stats · Session Coach' }] }),
  // The live refresh follows the sessions collection, which syncs in the browser only.
  ssr: false,
  loader: async () => {
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: StatsSkeleton,
  component: SessionStatsPage,
})

function SessionStatsPage() {
  const { sessionId } = Route.useParams()
  return <SessionStatsView sessionId={sessionId} />
}
