import { createFileRoute } from '@tanstack/react-router'
import { useState } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { PageHeader } from '~/components/layout/page-header'
import { ExplorerSkeleton, ExplorerView, UploadToggle } from '~/features/explorer/explorer-view'

/** The home page is the session explorer (docs/explorer.md); the database overview is Settings → System. */
export const Route = createFileRoute('/_app/')({
  head: () => ({ meta: [{ title: 'Sessions · Session Coach' }] }),
  // Collections sync in the browser only: the server sends the skeleton, the client fills it in.
  ssr: false,
  loader: async () => {
    // A failed first sync is the page's error state (ExplorerView), not a route error.
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: ExplorerPending,
  component: ExplorerPage,
})

const DESCRIPTION =
  'Every agent session of your account, live: grouped by repository and branch, searchable, and one click from its timeline.'

function ExplorerPending() {
  return (
    <>
      <PageHeader title="Sessions" description={DESCRIPTION} />
      <ExplorerSkeleton />
    </>
  )
}

function ExplorerPage() {
  const [uploadOpen, setUploadOpen] = useState(false)
  return (
    <>
      <PageHeader
        title="Sessions"
        description={DESCRIPTION}
        actions={<UploadToggle open={uploadOpen} onToggle={() => setUploadOpen((open) => !open)} />}
      />
      <ExplorerView uploadOpen={uploadOpen} onUploadOpenChange={setUploadOpen} />
    </>
  )
}
