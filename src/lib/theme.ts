import { useEffect } from 'react'
import { type ThemePreference, usePreferences } from './preferences'

const DARK_QUERY = '(prefers-color-scheme: dark)'

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): 'light' | 'dark' {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light'
  return preference
}

/** Keeps the `dark` class on <html> in step with the preference and, for "system", with the OS. */
export function useDocumentTheme() {
  const { theme } = usePreferences()
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
