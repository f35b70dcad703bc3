/**
 * Collections of the session-scoped shapes, one per (shape, session). They are created on first
 * use and cached, so every component that shows a session shares one shape stream per table.
 * Names, row types and keys come from the shape catalog (`src/sync/catalog.ts`). Writes to these
 * tables go through feature-specific server functions (coach, ingest, rules); a shape with
 * optimistic writes lists its mutation handlers in `MUTATION_HANDLERS`, the others are read-only.
 */
import { type ElectricCollectionConfig, electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { collectionIdOf, rowKeyOf, type SessionShape, type ShapeRow } from '~/sync/catalog'
import { chatThreadHandlers } from './chat-thread-handlers'
import { addOrdinalIndexes } from './ordinal-order'
import { shapeOptions } from './shape-options'

export type SessionUploadRow = ShapeRow<'session_uploads'>
export type TimelineEventRow = ShapeRow<'timeline_events'>
export type ChatThreadRow = ShapeRow<'chat_threads'>
export type ChatMessageRow = ShapeRow<'chat_messages'>
export type ChatToolEventRow = ShapeRow<'chat_tool_events'>

/** Timelines can hold hundreds of thousands of events: load what a view asks for, not everything. */
const SYNC_MODE: Partial<Record<SessionShape, 'on-demand' | 'progressive'>> = {
  timeline_events: 'on-demand',
}

/** The electric configuration of one (shape, session); `sessionCollection` caches what it creates. */
export function sessionCollectionConfig<S extends SessionShape>(
  shape: S,
  sessionId: string,
): ElectricCollectionConfig<ShapeRow<S>> {
  return {
    id: collectionIdOf(shape, sessionId),
    getKey: rowKeyOf(shape),
    syncMode: SYNC_MODE[shape] ?? 'eager',
    shapeOptions: shapeOptions(shape, sessionId),
  }
}

/** Optimistic writes: each handler calls a server function and returns the txid to await. */
const MUTATION_HANDLERS: Partial<{
  [S in SessionShape]: (sessionId: string) => Partial<ElectricCollectionConfig<ShapeRow<S>>>
}> = {
  chat_threads: chatThreadHandlers,
}

function createSessionCollection<S extends SessionShape>(shape: S, sessionId: string) {
  const handlers = (MUTATION_HANDLERS[shape] as ((id: string) => object) | undefined)?.(sessionId) ?? {}
  const collection = createCollection(
    electricCollectionOptions({ ...sessionCollectionConfig(shape, sessionId), ...handlers }),
  )
  // Paged views order by ordinal with a limit; without an ordered index on it, TanStack DB falls
  // back to loading every row the view matches instead of one page at a time.
  if (SYNC_MODE[shape] === 'on-demand') addOrdinalIndexes(collection)
  return collection
}

type SessionCollection<S extends SessionShape> = ReturnType<typeof createSessionCollection<S>>

const cache = new Map<string, SessionCollection<SessionShape>>()

export function sessionCollection<S extends SessionShape>(shape: S, sessionId: string): SessionCollection<S> {
  const id = collectionIdOf(shape, sessionId)
  let collection = cache.get(id)
  if (!collection) {
    collection = createSessionCollection(shape, sessionId) as unknown as SessionCollection<SessionShape>
    cache.set(id, collection)
  }
  return collection as unknown as SessionCollection<S>
}
