/** The selected event in full: its columns and its payload, long strings folded. */
import { XIcon } from 'lucide-react'
import type { TimelineEventRow } from '~/collections/session-collections'
import { Button } from '~/components/ui/button'
import { EVENT_KINDS, formatDuration } from './event-kind'

/** Outputs above this many characters start folded, so the payload's shape stays readable. */
const FOLD_AT = 1_200

function Field({ label, value }: { label: string; value: string | number | null }) {
  if (value === null || value === '') return null
  return (
    <div className="flex min-w-0 flex-col">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="break-words font-mono text-xs">{value}</dd>
    </div>
  )
}

function PayloadText({ text }: { text: string }) {
  const pre = 'max-w-full overflow-x-auto whitespace-pre-wrap break-words rounded-md bg-muted p-3 font-mono text-xs'
  if (text.length <= FOLD_AT) return <pre className={pre}>{text}</pre>
  return (
    <details className="flex flex-col gap-2">
      <summary className="cursor-pointer rounded-sm text-sm focus-visible:outline-2 focus-visible:outline-ring">
        Show the whole payload ({text.length.toLocaleString('en-US')} characters)
      </summary>
      <pre className={pre}>{text}</pre>
    </details>
  )
}

export function EventDetail({ event, onClose }: { event: TimelineEventRow; onClose: () => void }) {
  const kind = EVENT_KINDS[event.type]
  const payload = JSON.stringify(event.payload, null, 2)
  return (
    <section
      aria-labelledby="event-detail-heading"
      className="flex min-w-0 flex-col gap-3 rounded-xl border bg-card p-4 shadow-xs"
      data-testid="event-detail"
    >
      <div className="flex items-start justify-between gap-2">
        <h2 id="event-detail-heading" className="font-medium">
          #{event.ordinal + 1} · {kind.label}
          {event.name ? ` · ${event.name}` : ''}
        </h2>
        <Button size="icon" variant="ghost" onClick={onClose} aria-label="Close the event detail">
          <XIcon aria-hidden />
        </Button>
      </div>
      {event.summary ? <p className="break-words text-sm">{event.summary}</p> : null}
      <dl className="grid grid-cols-2 gap-2">
        <Field label="Role" value={event.role} />
        <Field label="Time" value={event.at ? `${event.at.toISOString()}` : null} />
        <Field label="Command" value={event.command} />
        <Field label="Path" value={event.path} />
        <Field label="Exit code" value={event.exitCode} />
        <Field label="Duration" value={event.durationMs === null ? null : formatDuration(event.durationMs)} />
      </dl>
      <h3 className="font-medium text-sm">Payload</h3>
      <PayloadText text={payload} />
    </section>
  )
}
