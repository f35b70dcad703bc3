/**
 * Transient messages ("Deleted … — Undo", "Could not save …") for any page in the shell:
 * `notify()` from anywhere, rendered by <Notifications /> in the AppShell as Radix toasts (a live
 * region screen readers announce; F8 moves focus to them).
 */
import { useSyncExternalStore } from 'react'
import {
  Toast,
  ToastAction,
  ToastClose,
  ToastDescription,
  ToastProvider,
  ToastTitle,
  ToastViewport,
} from '~/components/ui/toast'

export type NotificationTone = 'default' | 'success' | 'warning' | 'destructive'

export interface NotificationInput {
  tone?: NotificationTone
  title: string
  description?: string
  action?: { label: string /** What the action does, for screen readers. */; altText: string; onAction: () => void }
  /** Called once when the notification closes without its action being taken (timeout or dismiss). */
  onDismiss?: () => void
  durationMs?: number
}

interface ActiveNotification extends NotificationInput {
  id: number
  actionTaken: boolean
}

const DEFAULT_DURATION_MS = 6_000
/** Failures stay longer: they say what was not saved, and people need time to read that. */
const FAILURE_DURATION_MS = 12_000

let active: ActiveNotification[] = []
let nextId = 1
const listeners = new Set<() => void>()

function publish(next: ActiveNotification[]) {
  active = next
  for (const listener of listeners) listener()
}

export function notify(input: NotificationInput): number {
  const id = nextId++
  publish([...active, { ...input, id, actionTaken: false }])
  return id
}

function close(id: number) {
  const notification = active.find((candidate) => candidate.id === id)
  if (!notification) return
  publish(active.filter((candidate) => candidate.id !== id))
  if (!notification.actionTaken) notification.onDismiss?.()
}

export function dismissNotification(id: number) {
  close(id)
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

const NO_NOTIFICATIONS: ActiveNotification[] = []

export function Notifications() {
  const notifications = useSyncExternalStore(
    subscribe,
    () => active,
    () => NO_NOTIFICATIONS,
  )
  return (
    <ToastProvider swipeDirection="right">
      {notifications.map((notification) => (
        <Toast
          key={notification.id}
          tone={notification.tone}
          // Failures interrupt (assertive); confirmations wait their turn.
          type={notification.tone === 'destructive' ? 'foreground' : 'background'}
          duration={
            notification.durationMs ?? (notification.tone === 'destructive' ? FAILURE_DURATION_MS : DEFAULT_DURATION_MS)
          }
          onOpenChange={(open) => {
            if (!open) close(notification.id)
          }}
        >
          <ToastTitle>{notification.title}</ToastTitle>
          {notification.description ? <ToastDescription>{notification.description}</ToastDescription> : null}
          {notification.action ? (
            <ToastAction
              altText={notification.action.altText}
              onClick={() => {
                notification.actionTaken = true
                notification.action?.onAction()
              }}
            >
              {notification.action.label}
            </ToastAction>
          ) : null}
          <ToastClose />
        </Toast>
      ))}
      <ToastViewport />
    </ToastProvider>
  )
}
