/** The search page's query field, which the global `/` and Ctrl+K shortcuts bring into focus. */
export const SEARCH_INPUT_ID = 'session-search-input'

/** Focuses the search field once it is on the page (the search page may still be rendering). */
export function focusSearchInputSoon(frames = 120) {
  const input = document.getElementById(SEARCH_INPUT_ID)
  if (input instanceof HTMLInputElement) {
    input.focus()
    input.select()
    return
  }
  if (frames > 0) requestAnimationFrame(() => focusSearchInputSoon(frames - 1))
}
