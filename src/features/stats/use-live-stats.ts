/**
 * Loads aggregates from a server function and loads them again, at most once per
 * REFRESH_INTERVAL_MS, whenever `signature` changes (docs/stats.md). One request at a time: a
 * change that arrives while one runs is answered by one more request after it. The last good
 * result stays on screen while a refresh runs or fails.
 */
import { useCallback, useEffect, useRef, useState } from 'react'

export const REFRESH_INTERVAL_MS = 2_000

export interface LiveStats<T> {
  data: T | undefined
  /** Why the last load failed; cleared by the next success. */
  error: { message: string; status: number | undefined } | undefined
  /** A request is running (first load or refresh). */
  loading: boolean
  /** When the data on screen was read. */
  loadedAt: Date | undefined
  reload: () => void
}

function describeFailure(error: unknown) {
  const status =
    typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
      ? error.status
      : undefined
  if (error instanceof TypeError && /fetch|network|load failed/i.test(error.message))
    return { message: 'The server could not be reached. Check your connection and try again.', status }
  const message = error instanceof Error && error.message ? error.message : 'The stats could not be loaded.'
  return { message, status }
}

export function useLiveStats<T>(load: () => Promise<T>, key: string, signature: string): LiveStats<T> {
  const [state, setState] = useState<Omit<LiveStats<T>, 'reload'>>({
    data: undefined,
    error: undefined,
    loading: true,
    loadedAt: undefined,
  })
  const loadRef = useRef(load)
  loadRef.current = load
  const control = useRef({
    key,
    mounted: true,
    running: false,
    again: false,
    lastStart: 0,
    timer: undefined as number | undefined,
  })
  // `run` asks for another round through this ref: `schedule` is defined after it.
  const scheduleRef = useRef(() => {})

  const run = useCallback(async () => {
    const current = control.current
    if (current.running) {
      current.again = true
      return
    }
    current.running = true
    current.lastStart = Date.now()
    const startedFor = current.key
    setState((previous) => ({ ...previous, loading: true }))
    try {
      const data = await loadRef.current()
      if (control.current.key === startedFor && control.current.mounted)
        setState({ data, error: undefined, loading: false, loadedAt: new Date() })
    } catch (error) {
      if (control.current.key === startedFor && control.current.mounted)
        setState((previous) => ({ ...previous, error: describeFailure(error), loading: false }))
    } finally {
      current.running = false
      if (current.again && current.mounted) {
        current.again = false
        scheduleRef.current()
      }
    }
  }, [])

  const schedule = useCallback(() => {
    const current = control.current
    if (current.timer !== undefined) return
    const wait = Math.max(0, current.lastStart + REFRESH_INTERVAL_MS - Date.now())
    current.timer = window.setTimeout(() => {
      current.timer = undefined
      void run()
    }, wait)
  }, [run])
  scheduleRef.current = schedule

  // A new key (another session or time zone) starts over; stale answers for the old key are dropped.
  useEffect(() => {
    control.current.key = key
    control.current.lastStart = 0
    setState({ data: undefined, error: undefined, loading: true, loadedAt: undefined })
  }, [key])

  // biome-ignore lint/correctness/useExhaustiveDependencies: the signature and key are what trigger a reload
  useEffect(() => {
    schedule()
  }, [schedule, signature, key])

  useEffect(() => {
    control.current.mounted = true
    return () => {
      control.current.mounted = false
      const timer = control.current.timer
      if (timer !== undefined) window.clearTimeout(timer)
      control.current.timer = undefined
    }
  }, [])

  const reload = useCallback(() => {
    control.current.lastStart = 0
    const timer = control.current.timer
    if (timer !== undefined) window.clearTimeout(timer)
    control.current.timer = undefined
    schedule()
  }, [schedule])

  return { ...state, reload }
}
