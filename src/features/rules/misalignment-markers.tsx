/**
 * Timeline row markers: the events that are evidence of an open misalignment get its severity
 * (the higher one where several overlap), through the timeline's `markerFor` slot.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { ShieldAlertIcon } from 'lucide-react'
import { type ReactNode, useCallback, useMemo } from 'react'
import { sessionCollection } from '~/collections/session-collections'
import type { MisalignmentEvidence } from '~/domain/misalignments/evidence'
import { type Severity, severityRank } from '~/domain/misalignments/severity'
import { cn } from '~/lib/utils'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function useMisalignmentMarkers(sessionId: string): (ordinal: number) => ReactNode {
  const result = useLiveQuery(
    (q) => (UUID.test(sessionId) ? q.from({ misalignment: sessionCollection('misalignments', sessionId) }) : undefined),
    [sessionId],
  )
  const byOrdinal = useMemo(() => {
    const map = new Map<number, { severity: Severity; titles: string[] }>()
    for (const row of result.data ?? []) {
      if (row.status !== 'open') continue
      for (const item of row.evidence as MisalignmentEvidence[]) {
        if (item.eventIndex === undefined) continue
        const current = map.get(item.eventIndex)
        if (!current) map.set(item.eventIndex, { severity: row.severity, titles: [row.title] })
        else {
          current.titles.push(row.title)
          if (severityRank(row.severity) > severityRank(current.severity)) current.severity = row.severity
        }
      }
    }
    return map
  }, [result.data])
  return useCallback(
    (ordinal: number) => {
      const marker = byOrdinal.get(ordinal)
      if (!marker) return null
      const strong = marker.severity === 'high' || marker.severity === 'critical'
      return (
        <span
          className={cn('inline-flex shrink-0 items-center gap-1 font-medium', strong ? 'text-destructive' : '')}
          data-testid="misalignment-marker"
          data-severity={marker.severity}
          title={marker.titles.join('\n')}
        >
          <ShieldAlertIcon className="size-3.5" aria-hidden />
          <span className="sr-only">Misalignment ({marker.severity}): </span>
          {marker.severity}
        </span>
      )
    },
    [byOrdinal],
  )
}
