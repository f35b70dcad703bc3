/**
 * UI preferences of this browser (theme, the todo list's filter). This is the one module that touches browser
 * storage, and it holds nothing authoritative: domain data lives in Postgres. When storage is
 * unavailable (private mode, quota, disabled cookies) preferences live in memory for the tab.
 */
import { useSyncExternalStore } from 'react'

export const THEME_PREFERENCES = ['light', 'dark', 'system'] as const
export type ThemePreference = (typeof THEME_PREFERENCES)[number]

export const TODO_FILTERS = ['all', 'open', 'done'] as const
export type TodoFilter = (typeof TODO_FILTERS)[number]

export interface Preferences {
  theme: ThemePreference
  todoFilter: TodoFilter
}

export const DEFAULT_PREFERENCES: Preferences = Object.freeze({ theme: 'system', todoFilter: 'all' })

const STORAGE_KEY = 'session-coach:preferences'

export function isThemePreference(value: unknown): value is ThemePreference {
  return typeof value === 'string' && (THEME_PREFERENCES as readonly string[]).includes(value)
}

export function isTodoFilter(value: unknown): value is TodoFilter {
  return typeof value === 'string' && (TODO_FILTERS as readonly string[]).includes(value)
}

/** Tolerates anything: stored values may come from an older version or be hand-edited. */
export function parsePreferences(raw: string | null): Preferences {
  if (!raw) return DEFAULT_PREFERENCES
  try {
    const parsed: unknown = JSON.parse(raw)
    const stored = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
    return {
      theme: isThemePreference(stored.theme) ? stored.theme : DEFAULT_PREFERENCES.theme,
      todoFilter: isTodoFilter(stored.todoFilter) ? stored.todoFilter : DEFAULT_PREFERENCES.todoFilter,
    }
  } catch {
    return DEFAULT_PREFERENCES
  }
}

let storageUsable = true
let current: Preferences | undefined
const listeners = new Set<() => void>()

function readStorage(): Preferences {
  if (!storageUsable) return current ?? DEFAULT_PREFERENCES
  try {
    return parsePreferences(window.localStorage.getItem(STORAGE_KEY))
  } catch {
    storageUsable = false
    return current ?? DEFAULT_PREFERENCES
  }
}

function writeStorage(preferences: Preferences) {
  if (!storageUsable) return
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(preferences))
  } catch {
    // Quota exceeded or storage blocked: keep the choice in memory for this tab.
    storageUsable = false
  }
}

function notify() {
  for (const listener of listeners) listener()
}

export function getPreferences(): Preferences {
  if (typeof window === 'undefined') return DEFAULT_PREFERENCES
  current ??= readStorage()
  return current
}

export function updatePreferences(patch: Partial<Preferences>) {
  const next = { ...getPreferences(), ...patch }
  current = next
  writeStorage(next)
  notify()
}

function onStorageEvent(event: StorageEvent) {
  if (event.key !== STORAGE_KEY && event.key !== null) return
  current = parsePreferences(event.newValue)
  notify()
}

export function subscribeToPreferences(listener: () => void) {
  listeners.add(listener)
  // Another tab changed a preference: follow it.
  if (listeners.size === 1) window.addEventListener('storage', onStorageEvent)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) window.removeEventListener('storage', onStorageEvent)
  }
}

/** Server render and hydration see the defaults; the stored value arrives right after hydration. */
export function usePreferences(): Preferences {
  return useSyncExternalStore(subscribeToPreferences, getPreferences, () => DEFAULT_PREFERENCES)
}

/**
 * Inline script for the document head: applies the stored theme before the first paint, so a
 * dark-mode user never sees a white flash. It runs before React, hence plain ES5 and its own try.
 */
export const themeBootScript = `(function(){var t;try{t=JSON.parse(localStorage.getItem(${JSON.stringify(
  STORAGE_KEY,
)})||'{}').theme}catch(e){}var d=t==='dark'||(t!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d)})()`
