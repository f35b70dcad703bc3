import { createFileRoute } from '@tanstack/react-router'
import { sessionsCollection } from '~/collections/sessions-collection'
import { PageHeader } from '~/components/layout/page-header'
import { SessionsSkeleton, SessionsView } from '~/features/sessions/sessions-view'

export const Route = createFileRoute('/_app/sessions')({
  head: () => ({ meta: [{ title: 'Sessions · Session Coach' }] }),
  // Collections sync in the browser only: the server sends the skeleton, the client fills it in.
  ssr: false,
  loader: async () => {
    // A failed first sync is the page's error state (SessionsView), not a route error.
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: SessionsPending,
  component: SessionsPage,
})

function Header() {
  return (
    <PageHeader
      title="Sessions"
      description="Agent session logs as live timelines: upload them here, or let Session Coach discover them on this machine."
    />
  )
}

function SessionsPending() {
  return (
    <>
      <Header />
      <SessionsSkeleton />
    </>
  )
}

function SessionsPage() {
  return (
    <>
      <Header />
      <SessionsView />
    </>
  )
}
