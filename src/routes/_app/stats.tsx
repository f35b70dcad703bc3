import { createFileRoute } from '@tanstack/react-router'
import { sessionsCollection } from '~/collections/sessions-collection'
import { PageHeader } from '~/components/layout/page-header'
import { AccountStatsView } from '~/features/stats/account-stats-view'
import { StatsSkeleton } from '~/features/stats/stats-states'

export const Route = createFileRoute('/_app/stats')({
  head: () => ({ meta: [{ title: 'Stats · Session Coach' }] }),
  // The live refresh follows the sessions collection, which syncs in the browser only.
  ssr: false,
  loader: async () => {
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: StatsPending,
  component: StatsPage,
})

function Header() {
  return (
    <PageHeader
      title="Stats"
      description="Your activity across every session: when you work, how much, in which repositories and with which agents."
    />
  )
}

function StatsPending() {
  return (
    <>
      <Header />
      <StatsSkeleton />
    </>
  )
}

function StatsPage() {
  return (
    <>
      <Header />
      <AccountStatsView />
    </>
  )
}
