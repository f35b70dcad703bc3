import { createFileRoute, stripSearchParams } from '@tanstack/react-router'
import { GaugeIcon } from 'lucide-react'
import { Skeleton } from '~/components/ui/skeleton'
import { ShareEnded, ShareView } from '~/features/share/share-view'
import { TIMELINE_SEARCH_DEFAULTS, timelineSearchSchema } from '~/features/timeline/timeline-search'
import { openShareLink } from '~/server/functions/share-links'

/**
 * `/share/<token>`: a read-only, live view of one session for a visitor without an account. No
 * app shell (the visitor has no navigation here); never indexed, never sends a Referer. The
 * timeline's filters, order and selected event (`#N`) live in the URL as on the owner's page; the
 * search text `q` is accepted but unused (visitors have no in-session search).
 */
export const Route = createFileRoute('/share/$token')({
  head: () => ({
    meta: [
      { title: 'Shared session · Session Coach' },
      { name: 'robots', content: 'noindex, nofollow' },
      { name: 'referrer', content: 'no-referrer' },
    ],
  }),
  validateSearch: timelineSearchSchema,
  search: { middlewares: [stripSearchParams(TIMELINE_SEARCH_DEFAULTS)] },
  // Collections sync in the browser only, and opening the link counts a view: both client-side.
  ssr: false,
  loader: ({ params }) => openShareLink({ data: { token: params.token } }),
  // Each visit asks again: a revoked link must not be served from the router's cache.
  staleTime: 0,
  gcTime: 0,
  pendingComponent: () => (
    <SharePage>
      <Skeleton className="h-[60vh] w-full rounded-xl" />
    </SharePage>
  ),
  component: ShareRoute,
})

function SharePage({ children }: { children: React.ReactNode }) {
  return (
    <div className="min-h-dvh bg-background">
      <header className="border-b px-4 py-3">
        {/* Not a link: the app's pages need an account the visitor may not have. */}
        <span className="flex items-center gap-2 font-semibold tracking-tight">
          <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
            <GaugeIcon className="size-4" aria-hidden />
          </span>
          Session Coach
        </span>
      </header>
      <main className="mx-auto w-full max-w-6xl p-4">{children}</main>
    </div>
  )
}

function ShareRoute() {
  const { token } = Route.useParams()
  const opened = Route.useLoaderData()
  const search = Route.useSearch()
  return (
    <SharePage>
      {opened.state === 'valid' ? (
        <ShareView token={token} link={opened} search={search} />
      ) : (
        <ShareEnded state={opened.state} message={opened.message} />
      )}
    </SharePage>
  )
}
