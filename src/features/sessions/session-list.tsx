/** How a session's agent and ingest status are named wherever a session is shown. */
import { RadioIcon } from 'lucide-react'
import { Badge } from '~/components/ui/badge'
import type { Session } from '~/db/schema'
import type { SessionStatus } from '~/domain/sessions/session-kinds'

export const AGENT_LABELS: Record<Session['origin'], string> = {
  codex: 'Codex',
  'gemini-cli': 'Gemini CLI',
  'claude-code': 'Claude Code',
  unknown: 'Unknown agent',
}

export const STATUS_BADGES: Record<
  SessionStatus,
  { label: string; variant: 'success' | 'secondary' | 'destructive' | 'warning' }
> = {
  live: { label: 'Live', variant: 'success' },
  complete: { label: 'Complete', variant: 'secondary' },
  failed: { label: 'Failed', variant: 'destructive' },
  interrupted: { label: 'Interrupted', variant: 'warning' },
}

export function formatInstant(value: Date | null) {
  return value ? value.toISOString().slice(0, 16).replace('T', ' ') : null
}

/** The agent and status badges a session shows wherever it is named (list row, timeline header). */
export function SessionBadges({ session }: { session: Session }) {
  const status = STATUS_BADGES[session.status]
  return (
    <>
      <Badge variant="outline">{AGENT_LABELS[session.origin]}</Badge>
      <Badge variant={status.variant} title={session.statusMessage ?? undefined}>
        {session.status === 'live' ? <RadioIcon aria-hidden /> : null}
        {status.label}
      </Badge>
    </>
  )
}
