/**
 * Sessions shared with the user by other accounts, as the explorer and the timeline show them:
 * which ids are shared (read-only here) and the owner's name for each.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { UsersIcon } from 'lucide-react'
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react'
import { sharedSessionsCollection } from '~/collections/shared-sessions-collection'
import { Badge } from '~/components/ui/badge'
import type { Session } from '~/db/schema'
import { listSharingOwners } from '~/server/functions/session-members'

interface SharedSessions {
  rows: Session[]
  isReady: boolean
  /** Owner's name by account id; filled once the names arrive. */
  ownerNames: Map<string, string>
}

const EMPTY: SharedSessions = { rows: [], isReady: true, ownerNames: new Map() }
const SharedSessionsContext = createContext<SharedSessions>(EMPTY)

export function useSharedSessionRows(): SharedSessions {
  const query = useLiveQuery((q) => q.from({ session: sharedSessionsCollection }))
  const rows = (query.data ?? []) as Session[]
  const owners = [...new Set(rows.map((row) => row.accountId))].sort().join(',')
  const [ownerNames, setOwnerNames] = useState(new Map<string, string>())
  useEffect(() => {
    if (!owners) return
    let current = true
    listSharingOwners()
      .then((list) => {
        if (current) setOwnerNames(new Map(list.map((owner) => [owner.accountId, owner.name])))
      })
      .catch(() => {
        // The rows still show, marked "Shared" without a name.
      })
    return () => {
      current = false
    }
  }, [owners])
  return { rows, isReady: query.isReady, ownerNames }
}

export function SharedSessionsProvider({ value, children }: { value: SharedSessions; children: ReactNode }) {
  return <SharedSessionsContext.Provider value={value}>{children}</SharedSessionsContext.Provider>
}

/** Whether the session is someone else's, shared with this user, and by whom. */
export function useSharedBy(session: Pick<Session, 'id' | 'accountId'>) {
  const shared = useContext(SharedSessionsContext)
  return useMemo(() => {
    if (!shared.rows.some((row) => row.id === session.id)) return null
    return { ownerName: shared.ownerNames.get(session.accountId) ?? null }
  }, [shared, session.id, session.accountId])
}

export function SharedByBadge({ ownerName }: { ownerName: string | null }) {
  return (
    <Badge variant="outline" data-testid="shared-by" title="Shared with you, read-only">
      <UsersIcon aria-hidden />
      {ownerName ? `Shared by ${ownerName}` : 'Shared with you'}
    </Badge>
  )
}
