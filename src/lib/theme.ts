import { useEffect } from 'react'
import { z } from 'zod'
import { definePreference, usePreference } from './preferences'

export const THEME_PREFERENCES = ['light', 'dark', 'system'] as const
export type ThemePreference = (typeof THEME_PREFERENCES)[number]

export function isThemePreference(value: unknown): value is ThemePreference {
  return typeof value === 'string' && (THEME_PREFERENCES as readonly string[]).includes(value)
}

/** Stored as `theme`, which the boot script in the document head also reads. */
export const themePreference = definePreference('theme', z.enum(THEME_PREFERENCES), 'system')

const DARK_QUERY = '(prefers-color-scheme: dark)'

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): 'light' | 'dark' {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light'
  return preference
}

/** Keeps the `dark` class on <html> in step with the preference and, for "system", with the OS. */
export function useDocumentTheme() {
  const theme = usePreference(themePreference)
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY)
    const apply = () => {
      document.documentElement.classList.toggle('dark', resolveTheme(theme, media.matches) === 'dark')
    }
    apply()
    if (theme !== 'system') return
    media.addEventListener('change', apply)
    return () => media.removeEventListener('change', apply)
  }, [theme])
}
