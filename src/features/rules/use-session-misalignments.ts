import { useLiveQuery } from '@tanstack/react-db'
import { sessionCollection } from '~/collections/session-collections'
import type { EventRange, MisalignmentEvidence } from '~/domain/misalignments/evidence'
import { severityRank } from '~/domain/misalignments/severity'
import type { ShapeRow } from '~/sync/catalog'

export type MisalignmentRow = Omit<ShapeRow<'misalignments'>, 'eventRange' | 'evidence'> & {
  eventRange: EventRange | null
  evidence: MisalignmentEvidence[]
}

/** The session's misalignments, live (another device's acknowledge shows up here), most severe first. */
export function useSessionMisalignments(sessionId: string) {
  const collection = sessionCollection('misalignments', sessionId)
  const result = useLiveQuery((q) => q.from({ misalignment: collection }), [sessionId])
  const rows = ((result.data ?? []) as MisalignmentRow[])
    .slice()
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.title.localeCompare(b.title))
  return { rows, isReady: result.isReady, collection }
}
