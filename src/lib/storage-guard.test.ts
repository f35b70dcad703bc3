import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { storageGuardScript } from './storage-guard'

/** A window whose localStorage getter behaves as given, with the guard run in it. */
function guardedWindow(localStorage: () => unknown) {
  const window: Record<string, unknown> = {}
  Object.defineProperty(window, 'localStorage', { get: localStorage, configurable: true })
  runInNewContext(storageGuardScript, { window, Object, String })
  return window as { localStorage: Storage }
}

describe('storageGuardScript', () => {
  it('replaces a localStorage that throws on access by a working in-memory one', () => {
    const window = guardedWindow(() => {
      throw new Error('SecurityError: access denied')
    })
    const storage = window.localStorage
    expect(storage.getItem('missing')).toBeNull()
    storage.setItem('theme', 'dark')
    storage.setItem('other', '1')
    expect(storage.getItem('theme')).toBe('dark')
    expect(storage.length).toBe(2)
    expect(storage.key(0)).toBe('theme')
    expect(storage.key(5)).toBeNull()
    storage.removeItem('theme')
    expect(storage.getItem('theme')).toBeNull()
    storage.clear()
    expect(storage.length).toBe(0)
  })

  it('leaves a working localStorage alone', () => {
    const real = { marker: 'the browser storage' }
    expect(guardedWindow(() => real).localStorage).toBe(real)
  })
})
