/**
 * Export file names as the original product wrote them:
 * `<session id, ≤32 safe chars>-<scope>[-range-<from>-<to>|-event-<N>][-partial]-YYYYMMDD-HHMMSS.<ext>`
 * (UTC time of the export).
 */
import type { ExportContext } from './export-types'
import { EXPORT_FORMATTERS } from './formatters'

function stamp(iso: string) {
  const date = new Date(iso)
  const pad = (value: number) => String(value).padStart(2, '0')
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  )
}

export function exportFileName(context: Pick<ExportContext, 'session' | 'request' | 'exportedAt' | 'isPartial'>) {
  const { request } = context
  const id = context.session.id.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 32) || 'session'
  const parts = [id, request.scope]
  if (request.scope === 'range') parts.push('range', String(request.from), String(request.to))
  if (request.scope === 'event') parts.push('event', String(request.from))
  if (context.isPartial) parts.push('partial')
  parts.push(stamp(context.exportedAt))
  return `${parts.join('-')}.${EXPORT_FORMATTERS[request.format].extension}`
}
