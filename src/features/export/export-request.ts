/**
 * The export's URL (`/api/sessions/<id>/export?format=…&scope=…`): one zod schema, used by the
 * dialog to build and check it and by the server route to validate it (400 with every problem).
 */
import { z } from 'zod'
import { EXPORT_FORMATS, EXPORT_SCOPES, type ExportFormat, type ExportRequest } from '~/domain/export/export-types'
import { FILTER_TYPES, TIMELINE_FILTERS, TIMELINE_ORDERS } from '~/features/timeline/timeline-search'

export const EXPORT_FORMAT_LABELS: Record<ExportFormat, string> = {
  markdown: 'Markdown',
  json: 'JSON',
  csv: 'CSV',
  text: 'Plain text',
  html: 'HTML page',
}

/** Per format, as the original product chose them: readable formats lean, data formats timestamped. */
export const DEFAULT_EXPORT_OPTIONS: Record<ExportFormat, { timestamps: boolean; metadata: boolean }> = {
  markdown: { timestamps: false, metadata: false },
  text: { timestamps: false, metadata: false },
  json: { timestamps: true, metadata: false },
  csv: { timestamps: true, metadata: false },
  html: { timestamps: true, metadata: false },
}

const MAX_EVENT_NUMBER = 100_000_000

const eventNumber = (name: string) =>
  z.coerce
    .number({ message: `${name} must be an event number (1 or more).` })
    .int(`${name} must be a whole event number.`)
    .min(1, `${name} must be 1 or more (events are numbered from #1).`)
    .max(MAX_EVENT_NUMBER, `${name} is larger than any session.`)

const flag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0'], { message: `${name} must be true or false.` })
    .transform((value) => value === 'true' || value === '1')

const list = (values: readonly string[]) => values.join(', ')

export const exportQuerySchema = z
  .object({
    format: z.enum(EXPORT_FORMATS, { message: `format must be one of ${list(EXPORT_FORMATS)}.` }),
    scope: z.enum(EXPORT_SCOPES, { message: `scope must be one of ${list(EXPORT_SCOPES)}.` }).default('entire'),
    filter: z.enum(TIMELINE_FILTERS, { message: `filter must be one of ${list(TIMELINE_FILTERS)}.` }).default('all'),
    order: z.enum(TIMELINE_ORDERS, { message: `order must be one of ${list(TIMELINE_ORDERS)}.` }).default('oldest'),
    from: eventNumber('from').optional(),
    to: eventNumber('to').optional(),
    event: eventNumber('event').optional(),
    timestamps: flag('timestamps').optional(),
    metadata: flag('metadata').optional(),
    instructions: z
      .enum(['redact', 'include'], { message: 'instructions must be redact or include.' })
      .default('redact'),
  })
  .strict()
  .superRefine((query, context) => {
    if (query.scope === 'range') {
      if (query.from === undefined || query.to === undefined)
        context.addIssue({ code: 'custom', message: 'A range export needs from and to (event numbers).' })
      else if (query.from > query.to)
        context.addIssue({ code: 'custom', message: `from (#${query.from}) must not be after to (#${query.to}).` })
    }
    if (query.scope === 'event' && query.event === undefined)
      context.addIssue({ code: 'custom', message: 'A single-event export needs event (the event number).' })
  })

export type ExportQuery = z.input<typeof exportQuerySchema>

/** The validated query as the server's export request (filter → types, options → their defaults). */
export function toExportRequest(query: z.output<typeof exportQuerySchema>): ExportRequest {
  const defaults = DEFAULT_EXPORT_OPTIONS[query.format]
  const filtered = query.scope === 'filtered'
  const bounds =
    query.scope === 'range'
      ? { from: query.from ?? null, to: query.to ?? null }
      : query.scope === 'event'
        ? { from: query.event ?? null, to: query.event ?? null }
        : { from: null, to: null }
  return {
    format: query.format,
    scope: query.scope,
    filter: filtered ? query.filter : null,
    types: filtered && query.filter !== 'all' ? FILTER_TYPES[query.filter] : null,
    order: filtered ? query.order : 'oldest',
    ...bounds,
    timestamps: query.timestamps ?? defaults.timestamps,
    metadata: query.metadata ?? defaults.metadata,
    instructions: query.instructions,
  }
}

export interface ExportChoice {
  format: ExportFormat
  scope: (typeof EXPORT_SCOPES)[number]
  filter: (typeof TIMELINE_FILTERS)[number]
  order: (typeof TIMELINE_ORDERS)[number]
  from: number
  to: number
  event: number
  timestamps: boolean
  metadata: boolean
  includeInstructions: boolean
}

/** The download link for a choice made in the dialog; only the parameters its scope uses. */
export function exportHref(sessionId: string, choice: ExportChoice): string {
  const params = new URLSearchParams({ format: choice.format, scope: choice.scope })
  if (choice.scope === 'filtered') {
    params.set('filter', choice.filter)
    params.set('order', choice.order)
  }
  if (choice.scope === 'range') {
    params.set('from', String(choice.from))
    params.set('to', String(choice.to))
  }
  if (choice.scope === 'event') params.set('event', String(choice.event))
  params.set('timestamps', String(choice.timestamps))
  params.set('metadata', String(choice.metadata))
  if (choice.includeInstructions) params.set('instructions', 'include')
  return `/api/sessions/${encodeURIComponent(sessionId)}/export?${params}`
}
