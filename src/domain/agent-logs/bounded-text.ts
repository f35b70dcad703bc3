/**
 * Turning agent-written values into bounded, storable text: NUL becomes U+FFFD (Postgres text
 * cannot hold it) and long values are cut with a visible marker, never silently.
 */
import { hasNul, toStorableText } from '~/domain/storable-text'
import {
  MAX_COLUMN_LENGTH,
  MAX_PAYLOAD_DEPTH,
  MAX_PAYLOAD_ENTRIES,
  MAX_PAYLOAD_STRING_LENGTH,
  MAX_PAYLOAD_TEXT_BUDGET,
  MAX_SUMMARY_LENGTH,
} from './limits'

export function truncateText(value: string, maxLength: number): string {
  if (value.length <= maxLength) return value
  return `${value.slice(0, maxLength)}… [${value.length - maxLength} more characters]`
}

/** A storable, capped column value (name, command, path); empty strings become null. */
export function columnText(value: string | null | undefined, maxLength = MAX_COLUMN_LENGTH): string | null {
  if (typeof value !== 'string' || value.length === 0) return null
  return toStorableText(truncateText(value, maxLength))
}

/** Whitespace folded to single spaces and cut at `maxLength` with an ellipsis. */
export function oneLine(value: string, maxLength = MAX_SUMMARY_LENGTH): string {
  const folded = toStorableText(value.slice(0, maxLength * 4))
    .replace(/\s+/g, ' ')
    .trim()
  return folded.length <= maxLength ? folded : `${folded.slice(0, maxLength - 1)}…`
}

/**
 * A deep copy of a JSON value that fits the payload limits: each string at most
 * MAX_PAYLOAD_STRING_LENGTH, all strings together at most MAX_PAYLOAD_TEXT_BUDGET, bounded
 * depth and entries, NUL replaced everywhere (keys included).
 */
export function boundedJson(value: unknown): unknown {
  // Nearly every payload is within the limits already, and checking is far cheaper than copying:
  // such a value is handed back as it is (payloads are built fresh per entry and never mutated).
  if (withinBounds(value, 0, { remaining: MAX_PAYLOAD_TEXT_BUDGET })) return value
  const budget = { remaining: MAX_PAYLOAD_TEXT_BUDGET }
  return bound(value, 0, budget)
}

/** True when `bound` would return an equal copy: plain JSON data, no NUL, nothing to cut. */
function withinBounds(value: unknown, depth: number, budget: { remaining: number }): boolean {
  if (typeof value === 'string') {
    if (value.length > MAX_PAYLOAD_STRING_LENGTH || value.length > budget.remaining || hasNul(value)) return false
    budget.remaining -= value.length
    return true
  }
  if (value === null || typeof value === 'boolean') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value !== 'object' || depth >= MAX_PAYLOAD_DEPTH) return false
  if (Array.isArray(value)) {
    if (value.length > MAX_PAYLOAD_ENTRIES) return false
    for (const item of value) if (!withinBounds(item, depth + 1, budget)) return false
    return true
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  let keys = 0
  for (const key in value) {
    if (++keys > MAX_PAYLOAD_ENTRIES || key.length > 200 || hasNul(key)) return false
    const item = (value as Record<string, unknown>)[key]
    if (item === undefined || !withinBounds(item, depth + 1, budget)) return false
  }
  return true
}

function bound(value: unknown, depth: number, budget: { remaining: number }): unknown {
  if (typeof value === 'string') {
    const limit = Math.max(0, Math.min(MAX_PAYLOAD_STRING_LENGTH, budget.remaining))
    const text = truncateText(value, limit)
    budget.remaining -= Math.min(value.length, limit)
    return toStorableText(text)
  }
  if (value === null || typeof value !== 'object') {
    return typeof value === 'number' && !Number.isFinite(value) ? null : value
  }
  if (depth >= MAX_PAYLOAD_DEPTH) return '[nested too deep]'
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_PAYLOAD_ENTRIES).map((item) => bound(item, depth + 1, budget))
    if (value.length > MAX_PAYLOAD_ENTRIES) items.push(`[${value.length - MAX_PAYLOAD_ENTRIES} more items]`)
    return items
  }
  const out: Record<string, unknown> = {}
  let kept = 0
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue
    if (kept++ >= MAX_PAYLOAD_ENTRIES) {
      out['…'] = 'more keys omitted'
      break
    }
    out[toStorableText(truncateText(key, 200))] = bound(item, depth + 1, budget)
  }
  return out
}

/** ISO 8601 UTC for anything `Date` understands (ISO strings, epoch ms); null otherwise. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export function isoInstant(value: unknown): string | null {
  if (typeof value === 'string' && CANONICAL_INSTANT.test(value)) return value
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** Milliseconds from one ISO instant to a later one; null when either is missing or the order is wrong. */
export function durationBetween(start: string | null | undefined, end: string | null) {
  if (!start || !end) return null
  const ms = Date.parse(end) - Date.parse(start)
  return Number.isFinite(ms) && ms >= 0 ? ms : null
}

/** Text of a value that may already be text, or JSON otherwise. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}
