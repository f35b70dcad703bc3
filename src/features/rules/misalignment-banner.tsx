/**
 * The session page's banner: the highest severity among the open misalignments and how many are
 * open, with a link to review them. Nothing when none is open.
 */
import { Link } from '@tanstack/react-router'
import { ShieldAlertIcon } from 'lucide-react'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { highestSeverity } from '~/domain/misalignments/severity'
import { SeverityBadge } from './severity-badge'
import { useSessionMisalignments } from './use-session-misalignments'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function MisalignmentBanner({ sessionId }: { sessionId: string }) {
  // A malformed id has no shape to read; the timeline below says the session is not found.
  return UUID.test(sessionId) ? <OpenMisalignments sessionId={sessionId} /> : null
}

function OpenMisalignments({ sessionId }: { sessionId: string }) {
  const { rows } = useSessionMisalignments(sessionId)
  const open = rows.filter((row) => row.status === 'open')
  const top = highestSeverity(open.map((row) => row.severity))
  if (!top) return null
  return (
    <Alert
      variant={top === 'high' || top === 'critical' ? 'destructive' : 'default'}
      className="mb-4"
      data-testid="misalignment-banner"
    >
      <ShieldAlertIcon aria-hidden />
      <AlertTitle className="flex flex-wrap items-center gap-2">
        {open.length === 1 ? '1 open misalignment' : `${open.length} open misalignments`}
        <SeverityBadge severity={top} />
      </AlertTitle>
      <AlertDescription>
        <p>
          {open[0].title}
          {open.length > 1 ? ` and ${open.length - 1} more` : ''}.{' '}
          <Link to="/rules" search={{ sessionId }} className="underline underline-offset-2">
            Review misalignments
          </Link>
        </p>
      </AlertDescription>
    </Alert>
  )
}
