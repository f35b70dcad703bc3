/** How the explorer prints sizes, token counts and times; a fixed locale, like `formatCount`. */
import { formatCount } from '~/lib/format'

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })

export function formatBytes(bytes: number) {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

/** 1234 → "1.2K": token totals run into the millions and a row has little room. */
export function formatCompact(value: number) {
  return value < 10_000 ? formatCount(value) : compactFormat.format(value)
}

export function plural(count: number, word: string) {
  return `${formatCompact(count)} ${word}${count === 1 ? '' : 's'}`
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date. */
export function formatRelative(date: Date, now: number) {
  const seconds = Math.round((now - date.getTime()) / 1000)
  if (seconds < 45) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.round(hours / 24)
  if (days < 30) return `${days} d ago`
  return formatDate(date)
}

/** `2026-02-23 20:34 UTC`: one unambiguous form for every reader. */
export function formatDate(date: Date) {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** "machine · person" for a session pushed by agent-push (docs/operations.md, "Running a team server"). */
export function pushedFromLabel(session: { machine: string | null; pushedByName: string | null }) {
  return [session.machine, session.pushedByName].filter(Boolean).join(' · ')
}
