import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'

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

/** Two slices the way features declare them. */
function slices(preferences: PreferencesModule) {
  return {
    theme: preferences.definePreference('theme', z.enum(['light', 'dark', 'system']), 'system'),
    filter: preferences.definePreference('todoFilter', z.enum(['all', 'open', 'done']), 'all'),
    panel: preferences.definePreference('panel', z.object({ width: z.number().min(200) }), { width: 320 }),
  }
}

describe('definePreference', () => {
  beforeEach(() => vi.unstubAllGlobals())
  afterEach(() => vi.unstubAllGlobals())

  it('falls back to the default for anything its schema does not accept', async () => {
    const { storage, data } = fakeStorage()
    data.set('session-coach:preferences', '{"theme":"purple","todoFilter":"done","panel":{"width":10},"other":1}')
    const { theme, filter, panel } = slices(await loadWithStorage(storage))
    expect(theme.get()).toBe('system')
    expect(filter.get()).toBe('done')
    expect(panel.get()).toEqual({ width: 320 })
  })

  it('tolerates stored values that are not JSON or not an object', async () => {
    for (const raw of ['not json', '"dark"', '[1]']) {
      const { storage, data } = fakeStorage()
      data.set('session-coach:preferences', raw)
      const { theme } = slices(await loadWithStorage(storage))
      expect(theme.get(), raw).toBe('system')
    }
  })

  it('saves a change next to the other slices and tells subscribers', async () => {
    const { storage, data } = fakeStorage()
    data.set('session-coach:preferences', '{"todoFilter":"open"}')
    const { theme, filter } = slices(await loadWithStorage(storage))
    theme.set('dark')
    expect(theme.get()).toBe('dark')
    expect(filter.get()).toBe('open')
    expect(JSON.parse(data.get('session-coach:preferences') ?? '{}')).toEqual({ theme: 'dark', todoFilter: 'open' })
  })

  it('keeps an unchanged object value identical between reads (React compares snapshots)', async () => {
    const { storage, data } = fakeStorage()
    data.set('session-coach:preferences', '{"panel":{"width":400}}')
    const { panel, theme } = slices(await loadWithStorage(storage))
    const first = panel.get()
    theme.set('light')
    expect(panel.get()).toBe(first)
  })

  it('keeps the choice in memory when the quota is exceeded', async () => {
    const { storage } = fakeStorage({
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError')
      },
    })
    const { theme } = slices(await loadWithStorage(storage))
    expect(() => theme.set('dark')).not.toThrow()
    expect(theme.get()).toBe('dark')
  })

  it('works in memory when storage access itself is refused', async () => {
    const { filter } = slices(
      await loadWithStorage(() => {
        throw new DOMException('denied', 'SecurityError')
      }),
    )
    expect(filter.get()).toBe('all')
    filter.set('open')
    expect(filter.get()).toBe('open')
  })
})
