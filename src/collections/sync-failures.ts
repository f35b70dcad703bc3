/**
 * Shape streams that stopped for good, by collection id (`todos`, `timeline_events:<session>`):
 * a refusal of one session's shape never shows on another session's page. The Electric client
 * retries network failures and 5xx on its own; a 4xx (401 after the session expired or was
 * revoked, 403, 400) ends the stream, and a collection that was already ready would otherwise keep
 * showing stale rows without a word. Collections record those failures here, clear them when the
 * shape answers again, and pages show them (see `useSyncFailure`).
 */
import { FetchError } from '@electric-sql/client'
import { useSyncExternalStore } from 'react'

export interface SyncFailure {
  /** HTTP status of the refused shape request, when there was one. */
  status?: number
  /** The server's message (written for users), else the client's. */
  message: string
}

const failures = new Map<string, SyncFailure>()
const listeners = new Set<() => void>()

function messageOf(error: Error): string {
  if (error instanceof FetchError) {
    const body = error.json as { message?: unknown } | undefined
    if (body && typeof body.message === 'string') return body.message
    return `The sync request was refused (HTTP ${error.status}).`
  }
  return error.message
}

function notify() {
  for (const listener of listeners) listener()
}

export function recordSyncFailure(collectionId: string, error: Error) {
  failures.set(collectionId, {
    status: error instanceof FetchError ? error.status : undefined,
    message: messageOf(error),
  })
  notify()
}

export function clearSyncFailure(collectionId: string) {
  if (failures.delete(collectionId)) notify()
}

export function syncFailureOf(collectionId: string): SyncFailure | undefined {
  return failures.get(collectionId)
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useSyncFailure(collectionId: string): SyncFailure | undefined {
  return useSyncExternalStore(
    subscribe,
    () => syncFailureOf(collectionId),
    () => undefined,
  )
}
