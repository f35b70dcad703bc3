/**
 * Keyboard navigation of the explorer list: `]` next session, `[` previous, Enter opens the
 * selected one. The selected row's link gets the focus, so screen readers announce it and Enter
 * on it is an ordinary link press.
 */
import { useEffect, useRef } from 'react'
import type { ExplorerRow } from './explorer-model'

/** Keys typed into a field, a menu or a dialog belong to that control, not to the list. */
function belongsToControl(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target.closest('input, textarea, select, [role="dialog"], [role="menu"], [role="listbox"]')) return true
  return false
}

function focusSessionLink(sessionId: string) {
  const link = document.querySelector<HTMLElement>(`[data-session-id="${CSS.escape(sessionId)}"] [data-session-link]`)
  link?.focus({ preventScroll: true })
  return Boolean(link)
}

export function useSessionKeys({
  rows,
  selectedId,
  onSelect,
  scrollToRow,
  onOpen,
}: {
  rows: readonly ExplorerRow[]
  selectedId: string | null
  onSelect: (sessionId: string) => void
  scrollToRow: (index: number) => void
  onOpen: (sessionId: string) => void
}) {
  // The handler is registered once; it reads the latest values through this ref.
  const latest = useRef({ rows, selectedId, onSelect, scrollToRow, onOpen })
  latest.current = { rows, selectedId, onSelect, scrollToRow, onOpen }

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key !== '[' && event.key !== ']' && event.key !== 'Enter') return
      if (belongsToControl(event.target)) return
      const { rows, selectedId, onSelect, scrollToRow, onOpen } = latest.current
      const sessions = rows.flatMap((row, index) => (row.kind === 'session' ? [{ id: row.key, index }] : []))
      if (sessions.length === 0) return
      const current = sessions.findIndex((session) => session.id === selectedId)

      if (event.key === 'Enter') {
        // On a link or button, Enter is that control's own press.
        if (current < 0 || (event.target instanceof HTMLElement && event.target.closest('a, button'))) return
        event.preventDefault()
        onOpen(sessions[current].id)
        return
      }

      event.preventDefault()
      const next =
        current < 0
          ? event.key === ']'
            ? 0
            : sessions.length - 1
          : Math.min(sessions.length - 1, Math.max(0, current + (event.key === ']' ? 1 : -1)))
      const target = sessions[next]
      onSelect(target.id)
      scrollToRow(target.index)
      // A row scrolled into view mounts on the next frame or two.
      let attempts = 0
      const focusWhenMounted = () => {
        if (!focusSessionLink(target.id) && attempts++ < 10) requestAnimationFrame(focusWhenMounted)
      }
      requestAnimationFrame(focusWhenMounted)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
}
