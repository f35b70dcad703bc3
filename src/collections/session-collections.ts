/**
 * Collections of the session-scoped shapes, one per (shape, session). They are created on first
 * use and cached, so every component that shows a session shares one shape stream per table.
 * Writes to these tables go through feature-specific server functions (coach, ingest, rules),
 * which add their mutation handlers when they arrive; until then the collections are read-only.
 */
import { type ElectricCollectionConfig, electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import type {
  AgentRule,
  ChatMessage,
  ChatThread,
  ChatToolEvent,
  HookifyDecision,
  Misalignment,
  SessionRepoBinding,
  SessionUpload,
  TimelineEvent,
} from '../db/schema'
import { type CatalogShape, shapeOptions } from './shape-options'

/** What browsers receive of these tables: the shape catalog leaves these columns on the server. */
export type SessionUploadRow = SessionUpload
export type TimelineEventRow = Omit<TimelineEvent, 'searchVector'>

interface SessionShapeRows {
  session_uploads: SessionUploadRow
  timeline_events: TimelineEventRow
  chat_threads: ChatThread
  chat_messages: ChatMessage
  chat_tool_events: ChatToolEvent
  misalignments: Misalignment
  hookify_decisions: HookifyDecision
  agent_rules: AgentRule
  session_repo_bindings: SessionRepoBinding
}

export type SessionShape = keyof SessionShapeRows & CatalogShape

const KEY_OF: { [S in SessionShape]: (row: SessionShapeRows[S]) => string | number } = {
  session_uploads: (row) => row.id,
  // Ordinals are unique within a session, and each collection holds one session.
  timeline_events: (row) => row.ordinal,
  chat_threads: (row) => row.id,
  chat_messages: (row) => row.id,
  chat_tool_events: (row) => row.id,
  misalignments: (row) => row.id,
  hookify_decisions: (row) => row.id,
  agent_rules: (row) => row.id,
  session_repo_bindings: (row) => row.sessionId,
}

/** Timelines can hold hundreds of thousands of events: load what a view asks for, not everything. */
const SYNC_MODE: Partial<Record<SessionShape, 'on-demand' | 'progressive'>> = {
  timeline_events: 'on-demand',
}

/** The electric configuration of one (shape, session); `sessionCollection` caches what it creates. */
export function sessionCollectionConfig<S extends SessionShape>(
  shape: S,
  sessionId: string,
): ElectricCollectionConfig<SessionShapeRows[S]> {
  type RowOf = SessionShapeRows[S]
  return {
    id: `${shape}:${sessionId}`,
    getKey: KEY_OF[shape] as (row: RowOf) => string | number,
    syncMode: SYNC_MODE[shape] ?? 'eager',
    shapeOptions: shapeOptions<RowOf>(shape, sessionId),
  }
}

function createSessionCollection<S extends SessionShape>(shape: S, sessionId: string) {
  return createCollection(electricCollectionOptions(sessionCollectionConfig(shape, sessionId)))
}

type SessionCollection<S extends SessionShape> = ReturnType<typeof createSessionCollection<S>>

const cache = new Map<string, SessionCollection<SessionShape>>()

export function sessionCollection<S extends SessionShape>(shape: S, sessionId: string): SessionCollection<S> {
  const id = `${shape}:${sessionId}`
  let collection = cache.get(id)
  if (!collection) {
    collection = createSessionCollection(shape, sessionId) as unknown as SessionCollection<SessionShape>
    cache.set(id, collection)
  }
  return collection as unknown as SessionCollection<S>
}
