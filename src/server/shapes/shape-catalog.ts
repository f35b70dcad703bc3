/**
 * The only shapes browsers may read. A request names a shape (and, for session-scoped shapes, a
 * session); table, where, params and columns come from here and from the principal — never from
 * the client. Where clauses stay in Electric's optimised `col = $1` form.
 */
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core'
import {
  agentRules,
  chatMessages,
  chatThreads,
  chatToolEvents,
  hookifyDecisions,
  misalignments,
  sessionRepoBindings,
  sessions,
  sessionUploads,
  timelineEvents,
  todos,
} from '../../db/schema'

export interface ShapeDefinition {
  name: string
  table: string
  scope: 'account' | 'session'
  /** Column bound to `$1`: the principal's account or the requested session. */
  scopeColumn: 'account_id' | 'session_id'
  columns: string[]
}

/**
 * Columns that must never leave the server: the server-side search index. (Raw upload content is
 * in session_upload_chunks, which no shape serves.)
 */
const SERVER_ONLY_COLUMNS: Record<string, string[]> = {
  timeline_events: ['search_vector'],
}

function define(name: string, table: PgTable, scope: 'account' | 'session'): ShapeDefinition {
  const config = getTableConfig(table)
  const hidden = SERVER_ONLY_COLUMNS[config.name] ?? []
  return {
    name,
    table: config.name,
    scope,
    scopeColumn: scope === 'account' ? 'account_id' : 'session_id',
    columns: config.columns.map((column) => column.name).filter((column) => !hidden.includes(column)),
  }
}

export const SHAPE_CATALOG: Record<string, ShapeDefinition> = Object.fromEntries(
  [
    define('sessions', sessions, 'account'),
    define('todos', todos, 'account'),
    define('session_uploads', sessionUploads, 'session'),
    define('timeline_events', timelineEvents, 'session'),
    define('chat_threads', chatThreads, 'session'),
    define('chat_messages', chatMessages, 'session'),
    define('chat_tool_events', chatToolEvents, 'session'),
    define('misalignments', misalignments, 'session'),
    define('hookify_decisions', hookifyDecisions, 'session'),
    define('agent_rules', agentRules, 'session'),
    define('session_repo_bindings', sessionRepoBindings, 'session'),
  ].map((definition) => [definition.name, definition]),
)

export type ShapeName = keyof typeof SHAPE_CATALOG

/** Electric's wire form: every identifier quoted, so mixed case and keywords survive. */
export function quotedColumns(definition: ShapeDefinition) {
  return definition.columns.map((column) => `"${column}"`).join(',')
}
