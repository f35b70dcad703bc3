/**
 * Where the reader of a growing list is, and keeping them there. Rows that arrive above the ones on
 * screen (earlier pages after a jump, new events of a newest-first live session) would push them
 * down, and a list that refetches can empty for a moment; after every change of the rows this puts
 * the row that was at the top back at the same pixel. A reader at the live edge instead follows
 * it: at the very end of a complete oldest-first list new events scroll into view, at the very top
 * of a newest-first one they appear there. Anyone else stays where they are and is told how many
 * new events arrived (`newEvents`, `showNewEvents`).
 *
 * The position is read from the scroll element itself, against the rows it was showing, at the
 * moment new rows are committed (before the browser paints them), not remembered from scroll
 * events: a position that depends on an event having arrived goes stale when one is missed, and a
 * stale position restored is a reader thrown elsewhere. Rows have one fixed height, so positions
 * are arithmetic and need no measuring.
 */
import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react'

interface OrdinalRow {
  ordinal: number
}

/** Which end new events of a live session join: the end (oldest first) or the start (newest first). */
export type LiveEdge = 'end' | 'start'

interface Position {
  ordinal: number
  /** Pixels of that row above the top of the scroll area. */
  offset: number
  atLiveEdge: boolean
}

/** Within this many pixels of an end counts as being at it (sub-pixel layouts, zoom). */
const EDGE_SLACK_PX = 2

/** Ordinals grow with time, so the newest loaded event is the largest ordinal, in either order. */
const newestOrdinal = (rows: readonly OrdinalRow[]) =>
  rows.reduce((newest, row) => Math.max(newest, row.ordinal), Number.NEGATIVE_INFINITY)

/**
 * `edgeLoaded`: the list holds its live edge (no page is left to load beyond it); only then can
 * the reader be at it, and only then are rows that appear there new events rather than a page.
 */
export function useReaderPosition<Row extends OrdinalRow>(
  scrollRef: RefObject<HTMLElement | null>,
  rows: readonly Row[],
  rowHeight: number,
  liveEdge: LiveEdge,
  edgeLoaded: boolean,
) {
  // What the scroll element showed when the reader last had the chance to scroll it.
  const shown = useRef<Shown | null>(null)
  const [newEvents, setNewEvents] = useState(0)
  // The newest event the reader has had the chance to see; null while the live edge is not loaded.
  const seenOrdinal = useRef<number | null>(null)

  useLayoutEffect(() => {
    const element = scrollRef.current
    // A refetch can empty the list for a moment: what it showed before is still the reference.
    if (!element || rows.length === 0) return
    const before = shown.current ? readerPosition(element, shown.current, rowHeight) : null
    if (before?.atLiveEdge) {
      element.scrollTop = liveEdge === 'end' ? element.scrollHeight : 0
    } else if (before) {
      const index = rows.findIndex((row) => row.ordinal === before.ordinal)
      // Rows can come back in parts after a refetch: wait for the reader's row instead of
      // taking a position they never chose as the new reference.
      if (index === -1) return
      const keep = index * rowHeight + before.offset
      if (Math.abs(element.scrollTop - keep) > 1) element.scrollTop = keep
    }

    const newest = newestOrdinal(rows)
    if (!edgeLoaded) seenOrdinal.current = null
    else if (seenOrdinal.current === null || before?.atLiveEdge) seenOrdinal.current = newest
    const seen = seenOrdinal.current
    // Counted from the rows themselves, so a refetch that brings back rows already seen adds nothing.
    setNewEvents(seen === null ? 0 : rows.filter((row) => row.ordinal > seen).length)
    shown.current = { rows, edge: liveEdge, edgeLoaded, scrollHeight: element.scrollHeight }
  }, [rows, liveEdge, edgeLoaded, scrollRef, rowHeight])

  /** For the list's onScroll: a reader who reaches the live edge has seen what arrived. */
  const onScroll = useCallback(() => {
    const element = scrollRef.current
    const last = shown.current
    if (!element || !last?.edgeLoaded || !isAtEdge(element, last.edge, element.scrollHeight)) return
    seenOrdinal.current = newestOrdinal(last.rows)
    setNewEvents(0)
  }, [scrollRef])

  const showNewEvents = useCallback(() => {
    const element = scrollRef.current
    if (!element) return
    element.scrollTop = shown.current?.edge === 'start' ? 0 : element.scrollHeight
  }, [scrollRef])

  return { newEvents, showNewEvents, onScroll }
}

interface Shown {
  rows: readonly OrdinalRow[]
  edge: LiveEdge
  edgeLoaded: boolean
  /** The list's height when these rows were laid out (the new rows may have changed it since). */
  scrollHeight: number
}

/** The row at the top of the scroll area, and whether the reader was at the live edge, in `shown`'s terms. */
function readerPosition(element: HTMLElement, shown: Shown, rowHeight: number): Position | null {
  if (shown.rows.length === 0) return null
  const index = Math.min(shown.rows.length - 1, Math.max(0, Math.floor(element.scrollTop / rowHeight)))
  return {
    ordinal: shown.rows[index].ordinal,
    offset: element.scrollTop - index * rowHeight,
    atLiveEdge: shown.edgeLoaded && isAtEdge(element, shown.edge, shown.scrollHeight),
  }
}

function isAtEdge(element: HTMLElement, edge: LiveEdge, scrollHeight: number) {
  if (edge === 'start') return element.scrollTop <= EDGE_SLACK_PX
  // A list shorter than its box is at both ends and has nothing to follow yet.
  if (scrollHeight <= element.clientHeight) return false
  return element.scrollTop + element.clientHeight >= scrollHeight - EDGE_SLACK_PX
}
