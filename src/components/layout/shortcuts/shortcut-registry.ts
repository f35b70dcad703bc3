/**
 * Every keyboard shortcut of the app, as the `?` dialog lists them. A feature that handles keys
 * of its own adds its group here, so the list stays complete in one place; the handlers stay
 * with their features (the global ones are in ./use-global-shortcuts.ts).
 */
export interface Shortcut {
  /** Alternatives, each a key or a combination written with `+` (shown as separate keys). */
  keys: readonly string[]
  description: string
}

export interface ShortcutGroup {
  title: string
  /** Where the keys work, for the reader. */
  where: string
  shortcuts: readonly Shortcut[]
}

export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Anywhere',
    where: 'on every page, except while typing in a field',
    shortcuts: [
      { keys: ['/', 'Ctrl+K'], description: 'Search all sessions (Ctrl+K also works inside a field)' },
      { keys: ['?'], description: 'Show these keyboard shortcuts' },
      { keys: ['Escape'], description: 'Close a dialog or panel' },
    ],
  },
  {
    title: 'Sessions',
    where: 'on the home page (the session explorer), outside the search box and filters',
    shortcuts: [
      { keys: [']'], description: 'Next session' },
      { keys: ['['], description: 'Previous session' },
      { keys: ['Enter'], description: 'Open the selected session' },
      { keys: ['Escape'], description: 'Clear the search (in the search box)' },
    ],
  },
  {
    title: 'Timeline',
    where: 'on a session’s timeline, with the event list focused',
    shortcuts: [
      { keys: ['j', 'ArrowDown'], description: 'Next event' },
      { keys: ['k', 'ArrowUp'], description: 'Previous event' },
      { keys: ['Enter'], description: 'Show the focused event' },
      { keys: ['['], description: 'Previous session' },
      { keys: [']'], description: 'Next session' },
    ],
  },
  {
    title: 'Search',
    where: 'on the search page',
    shortcuts: [
      { keys: ['Enter'], description: 'Search now (results also follow as you type)' },
      { keys: ['Tab'], description: 'Move to the results; Enter opens the event in its session' },
    ],
  },
]

/** `Ctrl+K` → ['Ctrl', 'K']; a lone `+` stays a key. */
export function keysOf(combination: string): string[] {
  return combination === '+' ? ['+'] : combination.split('+')
}
