/**
 * Shape streams that stopped for good. The Electric client retries network failures and 5xx on
 * its own; a 4xx (401 after the session expired or was revoked, 403, 400) ends the stream, and a
 * collection that was already ready would otherwise keep showing stale rows without a word.
 * Collections record those failures here and pages show them (see `useSyncFailure`).
 */
import { FetchError } from '@electric-sql/client'
import { useSyncExternalStore } from 'react'
import type { CatalogShape } from './shape-options'

export interface SyncFailure {
  /** HTTP status of the refused shape request, when there was one. */
  status?: number
  /** The server's message (written for users), else the client's. */
  message: string
}

const failures = new Map<CatalogShape, SyncFailure>()
const listeners = new Set<() => void>()

function messageOf(error: Error): string {
  if (error instanceof FetchError) {
    const body = error.json as { message?: unknown } | undefined
    if (body && typeof body.message === 'string') return body.message
    return `The sync request was refused (HTTP ${error.status}).`
  }
  return error.message
}

export function recordSyncFailure(shape: CatalogShape, error: Error) {
  failures.set(shape, { status: error instanceof FetchError ? error.status : undefined, message: messageOf(error) })
  for (const listener of listeners) listener()
}

export function getSyncFailure(shape: CatalogShape) {
  return failures.get(shape)
}

function subscribe(listener: () => void) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useSyncFailure(shape: CatalogShape): SyncFailure | undefined {
  return useSyncExternalStore(
    subscribe,
    () => failures.get(shape),
    () => undefined,
  )
}
