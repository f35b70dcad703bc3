/**
 * The coach next to a session's timeline: a toggle (remembered as a UI preference) and the panel.
 * On screens of 1536 px and wider the panel is docked to the window's right edge below the header
 * (the page's content column is capped in width, so a column inside it would squeeze the timeline)
 * and the timeline keeps clear of it; below that it follows the timeline at full width.
 */
import { MessagesSquareIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from '~/components/ui/button'
import { usePreference } from '~/lib/preferences'
import { CoachPanel } from './coach-panel'
import { coachBesideTimelinePreference } from './preferences'

/**
 * The show/hide button; the page puts it in the session header's action row, so it is there from the
 * first frame with the other session actions instead of on a row of its own above the title.
 */
export function CoachToggle() {
  const open = usePreference(coachBesideTimelinePreference)
  return (
    <Button
      variant={open ? 'secondary' : 'outline'}
      size="sm"
      aria-pressed={open}
      aria-controls={open ? COACH_PANEL_ID : undefined}
      onClick={() => coachBesideTimelinePreference.set(!open)}
    >
      <MessagesSquareIcon className="size-4" aria-hidden />
      {open ? 'Hide coach' : 'Show coach'}
    </Button>
  )
}

const COACH_PANEL_ID = 'coach-beside-timeline'

export function CoachBesideTimeline({ sessionId, children }: { sessionId: string; children: ReactNode }) {
  const open = usePreference(coachBesideTimelinePreference)
  return (
    // The whole column keeps clear of the docked panel.
    <div className={open ? 'flex min-w-0 flex-col gap-6 2xl:pr-[30rem]' : 'flex min-w-0 flex-col gap-6'}>
      <div className="min-w-0">{children}</div>
      {open ? (
        <aside
          id={COACH_PANEL_ID}
          aria-label="Coach"
          className="min-w-0 2xl:fixed 2xl:top-14 2xl:right-0 2xl:bottom-0 2xl:z-20 2xl:w-[28rem] 2xl:overflow-y-auto 2xl:border-l 2xl:bg-background 2xl:p-4"
          data-testid="coach-beside-timeline"
        >
          <CoachPanel sessionId={sessionId} />
        </aside>
      ) : null}
    </div>
  )
}
