/** Number, date and duration texts of the stats pages: one fixed locale, like the rest of the app. */
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })
const decimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })
const dayFormat = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
})
const shortDayFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })
const monthFormat = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' })

/** 1234567 → "1.2M": for axes and tiles; tables show exact counts. */
export function formatCompact(value: number) {
  return compactFormat.format(value)
}

export function formatDecimal(value: number) {
  return decimalFormat.format(value)
}

/** A `YYYY-MM-DD` day as a date at UTC midnight, so formatting never shifts it by a time zone. */
export function dayDate(day: string) {
  return new Date(`${day}T00:00:00Z`)
}

/** "Mon, Mar 2, 2026" */
export function formatDay(day: string) {
  return dayFormat.format(dayDate(day))
}

/** "Mar 2" */
export function formatShortDay(day: string) {
  return shortDayFormat.format(dayDate(day))
}

export function formatMonth(day: string) {
  return monthFormat.format(dayDate(day))
}

/** 850 → "850 ms", 2490 → "2.5 s", 95000 → "1 min 35 s", 5400000 → "1 h 30 min". */
export function formatMs(ms: number | null | undefined) {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${decimalFormat.format(ms / 1000)} s`
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

/** A share as "12%" ("<1%" for small non-zero shares). */
export function formatShare(part: number, whole: number) {
  if (whole <= 0 || part <= 0) return '0%'
  const percent = (part / whole) * 100
  return percent < 1 ? '<1%' : `${Math.round(percent)}%`
}

const timeFormat = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hour12: false })

/** Epoch milliseconds as local "14:05" (for the time axis of one session). */
export function formatClock(ms: number) {
  return timeFormat.format(new Date(ms))
}
