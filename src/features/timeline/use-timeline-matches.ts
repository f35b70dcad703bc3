/**
 * Where the in-session search text occurs in the current view: the server answers the matching
 * ordinals (one indexed query over the session, with the access check), so a match far beyond the
 * loaded pages is found without loading them. Ordinals come back in display order.
 */
import { useEffect, useState } from 'react'
import type { TimelineView } from '~/domain/timeline/timeline-view'
import { errorMessage } from '~/lib/error-message'
import { findTimelineMatches } from '~/server/functions/timeline'
import type { TimelineOrder } from './timeline-search'

export type TimelineMatchesState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; ordinals: number[]; truncated: boolean }
  | { status: 'error'; message: string }

export function useTimelineMatches(
  sessionId: string,
  view: TimelineView,
  order: TimelineOrder,
  text: string | undefined,
  /** Changes when the session grows, so a live session's new matches are counted. */
  revision: number,
): TimelineMatchesState {
  const [state, setState] = useState<TimelineMatchesState>({ status: 'idle' })
  const viewKey = JSON.stringify(view)
  const query = text?.trim() ?? ''

  // biome-ignore lint/correctness/useExhaustiveDependencies: `revision` asks again when the session grows
  useEffect(() => {
    if (!query) {
      setState({ status: 'idle' })
      return
    }
    let current = true
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }))
    findTimelineMatches({ data: { sessionId, text: query, view: JSON.parse(viewKey) as TimelineView } })
      .then((result) => {
        if (!current) return
        const ordinals = order === 'newest' ? [...result.ordinals].reverse() : result.ordinals
        setState({ status: 'ready', ordinals, truncated: result.truncated })
      })
      .catch((error: unknown) => {
        if (current) setState({ status: 'error', message: errorMessage(error) })
      })
    return () => {
      current = false
    }
  }, [sessionId, viewKey, order, query, revision])

  return state
}
