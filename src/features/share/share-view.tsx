/**
 * What a share link's visitor sees: the session's header and the owner's timeline in its read-only
 * mode (`SessionTimeline` with `visitor`: the same virtualized list, filters, order and `#N` links;
 * no in-session search, no add to coach, no rename or delete, no stats or export), live, plus the
 * coach threads, rules findings and uploads when the owner included them. When the link is revoked
 * or expires, the shape requests are refused (410) and the page says so instead of showing rows
 * that no longer update.
 */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { EyeIcon, LinkIcon } from 'lucide-react'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Badge } from '~/components/ui/badge'
import type { Session } from '~/db/schema'
import { SessionHeader } from '~/features/timeline/session-header'
import type { TimelineSearch } from '~/features/timeline/timeline-search'
import { SessionTimeline, TimelineSkeleton } from '~/features/timeline/timeline-view'
import type { OpenedShareLink } from '~/server/functions/share-links'
import { shareCollection, shareFailureId, shareTimelineCollection } from './share-collections'
import { ShareExtras } from './share-extras'

type ValidLink = Extract<OpenedShareLink, { state: 'valid' }>

export function ShareEnded({ message, state }: { message: string; state: string }) {
  const title =
    state === 'revoked'
      ? 'This link was revoked'
      : state === 'expired'
        ? 'This link has expired'
        : 'This link does not work'
  return (
    <EmptyState icon={LinkIcon} title={title} titleLevel={1} tone="destructive" className="mt-8">
      <p data-testid="share-ended" data-state={state}>
        {message}
      </p>
    </EmptyState>
  )
}

/** A refusal of any of the page's shapes that means the link itself ended. */
function useEndedLink(sessionId: string) {
  const timeline = useSyncFailure(shareFailureId('timeline_events', sessionId))
  const session = useSyncFailure(shareFailureId('session', sessionId))
  const failure = [timeline, session].find((f) => f?.status === 410 || f?.status === 404)
  if (!failure) return null
  const state = failure.status === 404 ? 'unknown' : /expired/i.test(failure.message) ? 'expired' : 'revoked'
  return { state, message: failure.message }
}

export function ShareView({ token, link, search }: { token: string; link: ValidLink; search: TimelineSearch }) {
  const sessions = shareCollection('session', token, link.sessionId)
  const sessionQuery = useLiveQuery(
    (q) => q.from({ session: sessions }).where(({ session }) => eq(session.id, link.sessionId)),
    [link.sessionId],
  )
  const session = (sessionQuery.data?.[0] ?? null) as Session | null
  const ended = useEndedLink(link.sessionId)

  if (ended) return <ShareEnded state={ended.state} message={ended.message} />
  return (
    <div className="flex flex-col gap-4">
      <p className="flex flex-wrap items-center gap-2 text-muted-foreground text-sm">
        <Badge variant="secondary">
          <EyeIcon aria-hidden />
          Shared read-only
        </Badge>
        {link.expiresAt ? (
          <span>
            This link expires on <time dateTime={link.expiresAt}>{new Date(link.expiresAt).toUTCString()}</time>.
          </span>
        ) : null}
      </p>
      {session ? (
        <>
          <SessionHeader session={session} readOnly />
          <SessionTimeline
            key={session.id}
            session={session}
            search={search}
            visitor={{ events: shareTimelineCollection(token, session.id) }}
          />
        </>
      ) : (
        <TimelineSkeleton />
      )}
      <ShareExtras token={token} sessionId={link.sessionId} include={link.include} />
    </div>
  )
}
