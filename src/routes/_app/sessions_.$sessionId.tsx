import { createFileRoute, stripSearchParams } from '@tanstack/react-router'
import { sessionsCollection } from '~/collections/sessions-collection'
import { CoachBesideTimeline, CoachToggle } from '~/features/coach/coach-beside-timeline'
import { MisalignmentBanner } from '~/features/rules/misalignment-banner'
import { useMisalignmentMarkers } from '~/features/rules/misalignment-markers'
import { TIMELINE_SEARCH_DEFAULTS, timelineSearchSchema } from '~/features/timeline/timeline-search'
import { TimelineSkeleton, TimelineView } from '~/features/timeline/timeline-view'

export const Route = createFileRoute('/_app/sessions_/$sessionId')({
  head: () => ({ meta: [{ title: 'Timeline · Session Coach' }] }),
  validateSearch: timelineSearchSchema,
  // The defaults stay out of the URL, so a plain /sessions/<id> link is the canonical one.
  search: { middlewares: [stripSearchParams(TIMELINE_SEARCH_DEFAULTS)] },
  // Collections sync in the browser only: the server sends the skeleton, the client fills it in.
  ssr: false,
  loader: async () => {
    // Only the session list (small) is awaited; the events load in pages once the list mounts.
    await Promise.allSettled([sessionsCollection.preload()])
  },
  pendingComponent: TimelineSkeleton,
  component: TimelinePage,
})

function TimelinePage() {
  const { sessionId } = Route.useParams()
  const search = Route.useSearch()
  const markerFor = useMisalignmentMarkers(sessionId)
  return (
    <>
      <MisalignmentBanner sessionId={sessionId} />
      <TimelineView
        sessionId={sessionId}
        search={search}
        markerFor={markerFor}
        headerActions={<CoachToggle />}
        frame={(timeline) => <CoachBesideTimeline sessionId={sessionId}>{timeline}</CoachBesideTimeline>}
      />
    </>
  )
}
