import type { ComponentProps } from 'react'
import type { Session } from '~/db/schema'
import { cn } from '~/lib/utils'

export interface SessionChoice {
  id: string
  title: string
}

export function sessionChoices(sessions: readonly Session[]): SessionChoice[] {
  return sessions.map((session) => ({ id: session.id, title: session.title || 'Untitled session' }))
}

const NO_SESSION = ''

/**
 * A native <select>: it is keyboard- and screen-reader-friendly everywhere, and on phones it opens
 * the platform picker. With no sessions yet it says so instead of offering an empty list.
 */
export function SessionSelect({
  sessions,
  loading,
  value,
  onValueChange,
  className,
  ...props
}: Omit<ComponentProps<'select'>, 'value' | 'onChange' | 'children'> & {
  sessions: readonly SessionChoice[]
  loading: boolean
  value: string | null
  onValueChange: (sessionId: string | null) => void
}) {
  const empty = !loading && sessions.length === 0
  return (
    <select
      data-slot="session-select"
      value={value ?? NO_SESSION}
      onChange={(event) => onValueChange(event.target.value === NO_SESSION ? null : event.target.value)}
      disabled={loading || empty}
      className={cn(
        'h-9 min-w-0 rounded-md border border-input bg-card px-2.5 text-sm shadow-xs outline-none transition-colors focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40 disabled:cursor-not-allowed disabled:text-muted-foreground',
        className,
      )}
      {...props}
    >
      {loading ? (
        <option value={NO_SESSION}>Loading sessions…</option>
      ) : empty ? (
        <option value={NO_SESSION}>No sessions yet</option>
      ) : (
        <>
          <option value={NO_SESSION}>No session</option>
          {sessions.map((session) => (
            <option key={session.id} value={session.id}>
              {session.title}
            </option>
          ))}
          {value && !sessions.some((session) => session.id === value) ? (
            // Linked to a session this browser no longer lists (deleted meanwhile): keep it visible.
            <option value={value}>Unknown session</option>
          ) : null}
        </>
      )}
    </select>
  )
}
