/** Whether the detail fits beside the list (Tailwind's `lg`); below it the detail is a drawer. */
import { useSyncExternalStore } from 'react'

const WIDE = '(min-width: 1024px)'

function subscribe(onChange: () => void) {
  const media = window.matchMedia(WIDE)
  media.addEventListener('change', onChange)
  return () => media.removeEventListener('change', onChange)
}

export function useWideScreen() {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(WIDE).matches,
    () => true,
  )
}
