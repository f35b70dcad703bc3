/**
 * The Export dialog of a session's timeline: scope (entire, the timeline's current filter, a range
 * of event numbers, one event) × format, with the timestamp, metadata and instructions options.
 * The download itself is a plain link to the streaming export route, so the browser saves it.
 */
import { useRouterState } from '@tanstack/react-router'
import { DownloadIcon } from 'lucide-react'
import { useId, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Checkbox } from '~/components/ui/checkbox'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '~/components/ui/dialog'
import { Input } from '~/components/ui/input'
import { Label } from '~/components/ui/label'
import { RadioGroup, RadioGroupItem } from '~/components/ui/radio-group'
import { EXPORT_FORMATS, EXPORT_SCOPES, type ExportFormat, type ExportScope } from '~/domain/export/export-types'
import { ordinalFromHash, type TimelineSearch, timelineSearchSchema } from '~/features/timeline/timeline-search'
import {
  DEFAULT_EXPORT_OPTIONS,
  EXPORT_FORMAT_LABELS,
  type ExportChoice,
  exportHref,
  exportQuerySchema,
} from './export-request'

const FILTER_NAMES: Record<TimelineSearch['filter'], string> = {
  all: 'all events',
  messages: 'messages',
  tools: 'tools',
  files: 'files',
}

function isExportFormat(value: string): value is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(value)
}
function isExportScope(value: string): value is ExportScope {
  return (EXPORT_SCOPES as readonly string[]).includes(value)
}

function NumberField({
  id,
  label,
  value,
  onChange,
  max,
}: {
  id: string
  label: string
  value: number
  onChange: (value: number) => void
  max: number
}) {
  return (
    <span className="flex items-center gap-1.5">
      <Label htmlFor={id} className="font-normal text-muted-foreground">
        {label}
      </Label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={max}
        value={Number.isFinite(value) ? value : ''}
        onChange={(event) => onChange(event.target.valueAsNumber)}
        className="h-8 w-24"
      />
    </span>
  )
}

/** The header's Export button; it reads the timeline's filter, order and selected event from the URL. */
export function ExportButton({ sessionId, eventCount }: { sessionId: string; eventCount: number }) {
  const hash = useRouterState({ select: (state) => state.location.hash })
  const rawSearch = useRouterState({ select: (state) => state.location.search })
  const search: TimelineSearch = timelineSearchSchema.parse(rawSearch)
  const selected = ordinalFromHash(hash)
  const [open, setOpen] = useState(false)
  const last = Math.max(1, eventCount)
  const [choice, setChoice] = useState<ExportChoice>(() => ({
    format: 'markdown',
    scope: 'entire',
    filter: search.filter,
    order: search.order,
    from: 1,
    to: last,
    event: 1,
    ...DEFAULT_EXPORT_OPTIONS.markdown,
    includeInstructions: false,
  }))
  const ids = useId()
  const update = (changes: Partial<ExportChoice>) => setChoice((previous) => ({ ...previous, ...changes }))

  const onOpenChange = (next: boolean) => {
    // Each opening starts from what the timeline shows now: its filter, its selected event.
    if (next)
      update({
        filter: search.filter,
        order: search.order,
        event: selected === null ? choice.event : selected + 1,
        to: choice.scope === 'range' ? Math.min(choice.to, last) : last,
      })
    setOpen(next)
  }

  const href = exportHref(sessionId, choice)
  const checked = exportQuerySchema.safeParse(Object.fromEntries(new URL(href, 'http://local').searchParams))
  const problem = checked.success ? null : (checked.error.issues[0]?.message ?? 'Check the choices above.')

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <DownloadIcon aria-hidden />
          Export
        </Button>
      </DialogTrigger>
      <DialogContent closeLabel="Close export" className="max-h-[90dvh] overflow-y-auto">
        <DialogHeader>
          <DialogTitle>Export session</DialogTitle>
          <DialogDescription>
            Download the events as a file. Large sessions stream, so the download starts at once.
          </DialogDescription>
        </DialogHeader>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-2 font-medium text-sm">Events</legend>
          <RadioGroup
            value={choice.scope}
            onValueChange={(value) => {
              if (isExportScope(value)) update({ scope: value })
            }}
            className="gap-2.5"
            aria-label="Events"
          >
            <Label className="font-normal">
              <RadioGroupItem value="entire" id={`${ids}-entire`} />
              Entire session ({eventCount.toLocaleString('en-US')} events)
            </Label>
            <Label className="font-normal">
              <RadioGroupItem value="filtered" id={`${ids}-filtered`} />
              As filtered now ({FILTER_NAMES[search.filter]}, {search.order} first)
            </Label>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
              <Label className="font-normal">
                <RadioGroupItem value="range" id={`${ids}-range`} />
                Range of events
              </Label>
              {choice.scope === 'range' ? (
                <span className="flex flex-wrap items-center gap-2">
                  <NumberField
                    id={`${ids}-from`}
                    label="from #"
                    value={choice.from}
                    max={last}
                    onChange={(from) => update({ from })}
                  />
                  <NumberField
                    id={`${ids}-to`}
                    label="to #"
                    value={choice.to}
                    max={last}
                    onChange={(to) => update({ to })}
                  />
                </span>
              ) : null}
            </div>
            <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
              <Label className="font-normal">
                <RadioGroupItem value="event" id={`${ids}-event`} />
                One event
              </Label>
              {choice.scope === 'event' ? (
                <NumberField
                  id={`${ids}-event-number`}
                  label="#"
                  value={choice.event}
                  max={last}
                  onChange={(event) => update({ event })}
                />
              ) : null}
            </div>
          </RadioGroup>
        </fieldset>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-2 font-medium text-sm">Format</legend>
          <RadioGroup
            value={choice.format}
            onValueChange={(value) => {
              if (isExportFormat(value)) update({ format: value, ...DEFAULT_EXPORT_OPTIONS[value] })
            }}
            className="grid-cols-2 gap-2.5 sm:grid-cols-3"
            aria-label="Format"
          >
            {EXPORT_FORMATS.map((format) => (
              <Label key={format} className="font-normal">
                <RadioGroupItem value={format} id={`${ids}-${format}`} />
                {EXPORT_FORMAT_LABELS[format]}
              </Label>
            ))}
          </RadioGroup>
        </fieldset>

        <fieldset className="flex flex-col gap-2.5">
          <legend className="mb-2 font-medium text-sm">Options</legend>
          <Label className="font-normal">
            <Checkbox checked={choice.timestamps} onCheckedChange={(value) => update({ timestamps: value === true })} />
            Include timestamps
          </Label>
          <Label className="font-normal">
            <Checkbox checked={choice.metadata} onCheckedChange={(value) => update({ metadata: value === true })} />
            Include metadata (exit codes, durations, working directory, raw event fields)
          </Label>
          <Label className="items-start font-normal leading-snug">
            <Checkbox
              checked={choice.includeInstructions}
              onCheckedChange={(value) => update({ includeInstructions: value === true })}
              className="mt-0.5"
            />
            <span>
              Include instructions
              <span className="block text-muted-foreground text-xs">
                System and developer prompts and injected AGENTS.md or environment text are redacted unless checked.
              </span>
            </span>
          </Label>
        </fieldset>

        <DialogFooter className="items-center">
          {problem ? (
            <p role="alert" className="mr-auto text-destructive text-sm">
              {problem}
            </p>
          ) : null}
          {problem ? (
            <Button disabled>
              <DownloadIcon aria-hidden />
              Download
            </Button>
          ) : (
            <Button asChild>
              <a href={href} download onClick={() => window.setTimeout(() => setOpen(false))}>
                <DownloadIcon aria-hidden />
                Download
              </a>
            </Button>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  )
}
