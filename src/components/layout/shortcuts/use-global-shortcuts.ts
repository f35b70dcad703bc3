/**
 * The shortcuts that work on every page: `/` and Ctrl+K (⌘K) open the search, `?` the list of
 * shortcuts. Single keys are ignored while the person types in a field, in a dialog, or when a
 * feature already handled the key.
 */
import { useRouter } from '@tanstack/react-router'
import { useEffect } from 'react'
import { focusSearchInputSoon } from './focus-search'

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  }
  return false
}

export function useGlobalShortcuts({ openShortcuts }: { openShortcuts: () => void }) {
  const router = useRouter()
  useEffect(() => {
    const openSearch = () => {
      if (router.state.location.pathname !== '/search') void router.navigate({ to: '/search' })
      focusSearchInputSoon()
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return
      const commandK = (event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k'
      if (commandK) {
        event.preventDefault()
        openSearch()
        return
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return
      if (isTypingTarget(event.target)) return
      if (event.target instanceof Element && event.target.closest('[role="dialog"],[role="alertdialog"]')) return
      if (event.key === '/') {
        event.preventDefault()
        openSearch()
      } else if (event.key === '?') {
        event.preventDefault()
        openShortcuts()
      }
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [router, openShortcuts])
}
