/**
 * The selected event in full: its columns, the parts worth reading on their own (message, command
 * and output, diffs) and the raw payload, with "copy as JSON" and "add to coach".
 */
import { CheckIcon, CopyIcon, MessagesSquareIcon, XIcon } from 'lucide-react'
import { type ReactNode, useEffect, useState } from 'react'
import type { TimelineEventRow } from '~/collections/session-collections'
import { notify } from '~/components/layout/notifications'
import { Button } from '~/components/ui/button'
import { useAddToCoach } from '~/features/hookify/use-add-to-coach'
import { errorMessage } from '~/lib/error-message'
import { EVENT_KINDS, formatDuration, formatEventTimestamp } from './event-kind'
import { coachPromptOf, eventJson, payloadSections } from './event-payload'
import { CodeBlock, DiffBlock } from './payload-blocks'

function Field({ label, value }: { label: string; value: string | number | null }) {
  if (value === null || value === '') return null
  return (
    <div className="flex min-w-0 flex-col">
      <dt className="text-muted-foreground text-xs">{label}</dt>
      <dd className="break-words font-mono text-xs">{value}</dd>
    </div>
  )
}

function CopyJsonButton({ event }: { event: TimelineEventRow }) {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2_000)
    return () => clearTimeout(timer)
  }, [copied])
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(eventJson(event))
      setCopied(true)
    } catch (error) {
      notify({ tone: 'destructive', title: 'Could not copy the event', description: errorMessage(error) })
    }
  }
  return (
    <Button size="sm" variant="outline" onClick={copy}>
      {copied ? <CheckIcon aria-hidden /> : <CopyIcon aria-hidden />}
      <span aria-live="polite">{copied ? 'Copied' : 'Copy JSON'}</span>
    </Button>
  )
}

function AddToCoachButton({ event }: { event: TimelineEventRow }) {
  const addToCoach = useAddToCoach()
  const [busy, setBusy] = useState(false)
  const add = async () => {
    setBusy(true)
    try {
      await addToCoach({
        sessionId: event.sessionId,
        source: 'timeline',
        content: coachPromptOf(event),
        eventRange: { start: event.ordinal, end: event.ordinal },
      })
    } catch {
      // useAddToCoach has told the person why already.
    } finally {
      setBusy(false)
    }
  }
  return (
    <Button size="sm" variant="outline" onClick={add} disabled={busy}>
      <MessagesSquareIcon aria-hidden />
      Add to coach
    </Button>
  )
}

export function EventDetail({
  event,
  onClose,
  renderTitle = (title) => title,
  readOnly = false,
}: {
  event: TimelineEventRow
  /** A share link's visitor: no actions on the session (no add to coach). */
  readOnly?: boolean
  /** Without it there is no close button (the drawer has its own). */
  onClose?: () => void
  /** Wraps the heading, e.g. as the title of the drawer that holds the detail on small screens. */
  renderTitle?: (title: ReactNode) => ReactNode
}) {
  const kind = EVENT_KINDS[event.type]
  const sections = payloadSections(event)
  return (
    <section
      aria-labelledby="event-detail-heading"
      className="flex min-w-0 flex-col gap-3 rounded-xl border bg-card p-4 shadow-xs"
      data-testid="event-detail"
    >
      <div className="flex items-start justify-between gap-2">
        {renderTitle(
          <h2 id="event-detail-heading" className="min-w-0 break-words font-medium">
            #{event.ordinal + 1} · {kind.label}
            {event.name ? ` · ${event.name}` : ''}
          </h2>,
        )}
        {onClose ? (
          <Button size="icon" variant="ghost" onClick={onClose} aria-label="Close the event detail" title="Close (Esc)">
            <XIcon aria-hidden />
          </Button>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <CopyJsonButton event={event} />
        {readOnly ? null : <AddToCoachButton event={event} />}
      </div>
      {event.summary ? <p className="break-words text-sm">{event.summary}</p> : null}
      <dl className="grid grid-cols-2 gap-2">
        <Field label="Role" value={event.role} />
        <Field label="Time" value={formatEventTimestamp(event.at)} />
        <Field label="Command family" value={event.commandFamily} />
        <Field label="Origin" value={event.sidechain ? 'Sub-agent' : null} />
        <Field label="Path" value={event.path} />
        <Field label="Exit code" value={event.exitCode} />
        <Field label="Duration" value={event.durationMs === null ? null : formatDuration(event.durationMs)} />
      </dl>
      {sections.map((section, index) => (
        // Sections come in a fixed order per event type; the index is their identity.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div key={index} className="flex min-w-0 flex-col gap-1">
          <h3 className="break-words font-medium text-sm">{section.title}</h3>
          {section.kind === 'diff' ? (
            <DiffBlock lines={section.lines} />
          ) : section.kind === 'code' ? (
            <CodeBlock code={section.code} language={section.language} />
          ) : (
            <CodeBlock code={section.text} language={null} />
          )}
        </div>
      ))}
      <h3 className="font-medium text-sm">Payload</h3>
      <CodeBlock code={JSON.stringify(event.payload, null, 2)} language="json" />
    </section>
  )
}
