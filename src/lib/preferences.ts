/**
 * UI preferences of this browser. This is the one module that touches browser storage, and it
 * holds nothing authoritative: domain data lives in Postgres. Each feature declares its own slice
 * next to its code with `definePreference(key, zodSchema, default)` (the todo filter in
 * `features/todos/preferences.ts`, the theme in `lib/theme.ts`); all slices share one stored JSON
 * object. When storage is unavailable (private mode, quota, disabled cookies) preferences live in
 * memory for the tab.
 */
import { useSyncExternalStore } from 'react'
import type { z } from 'zod'

const STORAGE_KEY = 'session-coach:preferences'

export interface Preference<T> {
  readonly key: string
  readonly defaultValue: T
  /** The stored value if it is valid, else the default (stored values may be old or hand-edited). */
  get(): T
  set(value: T): void
}

let storageUsable = true
let stored: Record<string, unknown> | undefined
const listeners = new Set<() => void>()

/** Tolerates anything: not JSON, not an object, unknown keys. */
function parseStored(raw: string | null): Record<string, unknown> {
  if (!raw) return {}
  try {
    const parsed: unknown = JSON.parse(raw)
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {}
  } catch {
    return {}
  }
}

function readStorage(): Record<string, unknown> {
  if (!storageUsable) return stored ?? {}
  try {
    return parseStored(window.localStorage.getItem(STORAGE_KEY))
  } catch {
    storageUsable = false
    return stored ?? {}
  }
}

function writeStorage(values: Record<string, unknown>) {
  if (!storageUsable) return
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(values))
  } catch {
    // Quota exceeded or storage blocked: keep the choice in memory for this tab.
    storageUsable = false
  }
}

function storedValues(): Record<string, unknown> {
  if (typeof window === 'undefined') return {}
  stored ??= readStorage()
  return stored
}

function notify() {
  for (const listener of listeners) listener()
}

function onStorageEvent(event: StorageEvent) {
  if (event.key !== STORAGE_KEY && event.key !== null) return
  stored = parseStored(event.newValue)
  notify()
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  // Another tab changed a preference: follow it.
  if (listeners.size === 1) window.addEventListener('storage', onStorageEvent)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) window.removeEventListener('storage', onStorageEvent)
  }
}

export function definePreference<S extends z.ZodType>(key: string, schema: S, defaultValue: z.output<S>) {
  type T = z.output<S>
  // The last raw value and what it parsed to, so an unchanged preference keeps its identity (React
  // compares snapshots with Object.is).
  let last: { raw: unknown; value: T } | undefined
  const get = (): T => {
    const raw = storedValues()[key]
    if (last && Object.is(last.raw, raw)) return last.value
    const parsed = schema.safeParse(raw)
    last = { raw, value: parsed.success ? parsed.data : defaultValue }
    return last.value
  }
  const preference: Preference<T> = {
    key,
    defaultValue,
    get,
    set(value) {
      stored = { ...storedValues(), [key]: value }
      writeStorage(stored)
      notify()
    },
  }
  return preference
}

/** A preference's value in a component. Server render and hydration see the default; the stored value arrives right after hydration. */
export function usePreference<T>(preference: Preference<T>): T {
  return useSyncExternalStore(subscribe, preference.get, () => preference.defaultValue)
}

/**
 * Inline script for the document head: applies the stored theme before the first paint, so a
 * dark-mode user never sees a white flash. It runs before React, hence plain ES5 and its own try.
 */
export const themeBootScript = `(function(){var t;try{t=JSON.parse(localStorage.getItem(${JSON.stringify(
  STORAGE_KEY,
)})||'{}').theme}catch(e){}var d=t==='dark'||(t!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d)})()`
