import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

type PreferencesModule = typeof import('./preferences')

function fakeStorage(overrides: Partial<Storage> = {}) {
  const data = new Map<string, string>()
  return {
    data,
    storage: {
      getItem: (key: string) => data.get(key) ?? null,
      setItem: (key: string, value: string) => void data.set(key, value),
      removeItem: (key: string) => void data.delete(key),
      ...overrides,
    } as Storage,
  }
}

async function loadWithStorage(storage: Storage | (() => never)): Promise<PreferencesModule> {
  vi.resetModules()
  const windowStub = { addEventListener: vi.fn(), removeEventListener: vi.fn() } as Record<string, unknown>
  Object.defineProperty(windowStub, 'localStorage', {
    get: typeof storage === 'function' ? storage : () => storage,
  })
  vi.stubGlobal('window', windowStub)
  return import('./preferences')
}

describe('parsePreferences', () => {
  it('falls back to the defaults for anything it does not recognise', async () => {
    const { parsePreferences, DEFAULT_PREFERENCES } = await import('./preferences')
    expect(parsePreferences(null)).toEqual(DEFAULT_PREFERENCES)
    expect(parsePreferences('not json')).toEqual(DEFAULT_PREFERENCES)
    expect(parsePreferences('"dark"')).toEqual(DEFAULT_PREFERENCES)
    expect(parsePreferences('{"theme":"purple"}')).toEqual({ theme: 'system', todoFilter: 'all' })
    expect(parsePreferences('{"theme":"dark","unknown":1}')).toEqual({ theme: 'dark', todoFilter: 'all' })
    expect(parsePreferences('{"todoFilter":"done"}')).toEqual({ theme: 'system', todoFilter: 'done' })
    expect(parsePreferences('{"theme":"light","todoFilter":"later"}')).toEqual({ theme: 'light', todoFilter: 'all' })
  })
})

describe('the preferences store', () => {
  beforeEach(() => vi.unstubAllGlobals())
  afterEach(() => vi.unstubAllGlobals())

  it('saves a change to localStorage and tells subscribers', async () => {
    const { storage, data } = fakeStorage()
    const preferences = await loadWithStorage(storage)
    const listener = vi.fn()
    preferences.subscribeToPreferences(listener)
    preferences.updatePreferences({ theme: 'dark' })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(preferences.getPreferences()).toEqual({ theme: 'dark', todoFilter: 'all' })
    expect(JSON.parse(data.get('session-coach:preferences') ?? '{}')).toEqual({ theme: 'dark', todoFilter: 'all' })
  })

  it('reads what an earlier visit stored', async () => {
    const { storage, data } = fakeStorage()
    data.set('session-coach:preferences', '{"theme":"light"}')
    const preferences = await loadWithStorage(storage)
    expect(preferences.getPreferences()).toEqual({ theme: 'light', todoFilter: 'all' })
  })

  it('keeps the choice in memory when the quota is exceeded', async () => {
    const { storage } = fakeStorage({
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError')
      },
    })
    const preferences = await loadWithStorage(storage)
    expect(() => preferences.updatePreferences({ theme: 'dark' })).not.toThrow()
    expect(preferences.getPreferences()).toEqual({ theme: 'dark', todoFilter: 'all' })
  })

  it('works in memory when storage access itself is refused', async () => {
    const preferences = await loadWithStorage(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    expect(preferences.getPreferences()).toEqual({ theme: 'system', todoFilter: 'all' })
    preferences.updatePreferences({ todoFilter: 'open' })
    expect(preferences.getPreferences()).toEqual({ theme: 'system', todoFilter: 'open' })
  })
})
