/**
 * The sessions before and after this one in the explorer's order (newest start first, archived
 * sessions left out unless this one is archived), for the `[` and `]` keys.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { sessionsCollection } from '~/collections/sessions-collection'
import type { Session } from '~/db/schema'

export function useSessionNeighbours(session: Session) {
  const { data } = useLiveQuery(
    (q) =>
      q
        .from({ session: sessionsCollection })
        .orderBy(({ session }) => session.startedAt, 'desc')
        .orderBy(({ session }) => session.createdAt, 'desc'),
    [],
  )
  const sessions = ((data ?? []) as Session[]).filter(
    (candidate) => candidate.id === session.id || (candidate.archivedAt === null) === (session.archivedAt === null),
  )
  const index = sessions.findIndex((candidate) => candidate.id === session.id)
  return {
    previous: index > 0 ? sessions[index - 1] : null,
    next: index >= 0 && index < sessions.length - 1 ? sessions[index + 1] : null,
  }
}
