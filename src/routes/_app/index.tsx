import { createFileRoute } from '@tanstack/react-router'
import { PageHeader } from '~/components/layout/page-header'
import { DatabaseOverviewView, RefreshOverviewButton } from '~/features/overview/database-overview'
import { getOverview } from '~/server/functions/overview'

export const Route = createFileRoute('/_app/')({
  loader: () => getOverview(),
  head: () => ({ meta: [{ title: 'Overview · Session Coach' }] }),
  component: OverviewPage,
})

function OverviewPage() {
  const result = Route.useLoaderData()
  return (
    <>
      <PageHeader
        title="Overview"
        description="The state of this Session Coach server and the Postgres database that stores everything."
        actions={<RefreshOverviewButton />}
      />
      <DatabaseOverviewView result={result} />
    </>
  )
}
