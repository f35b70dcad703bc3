/**
 * THE list of shapes browsers may read, and the one place a new shape is declared. Browser-safe
 * (no runtime import of the database layer): the collections derive their names, row types and
 * keys from it; the server's proxy (`src/server/shapes/`) adds the column lists from the Drizzle
 * tables; `REPLICATED_TABLES` (REPLICA IDENTITY FULL, checked by the migrations test) is derived.
 *
 * Adding a shape: one entry here, one collection module, and a migration giving its table
 * REPLICA IDENTITY FULL.
 */
import type { InferSelectModel, Table } from 'drizzle-orm'
import type * as schema from '~/db/schema'

export interface CatalogEntry {
  /** The Postgres table the shape reads. */
  readonly table: TableName
  /**
   * `account`: the principal's rows (`account_id = $1`); `session`: one session's rows
   * (`session_id = $1`); `member`: sessions of other accounts shared with the principal's user
   * (`id IN ($1, …)`, the ids computed by the server from `session_members`).
   */
  readonly scope: 'account' | 'session' | 'member'
  /** The row property that identifies a row within one collection. */
  readonly key: string
  /** Row properties that never leave the server. */
  readonly hidden: readonly string[]
}

export const SHAPE_CATALOG = {
  sessions: { table: 'sessions', scope: 'account', key: 'id', hidden: [] },
  todos: { table: 'todos', scope: 'account', key: 'id', hidden: [] },
  // Sessions other accounts shared with this user (team membership): read-only for them.
  shared_sessions: { table: 'sessions', scope: 'member', key: 'id', hidden: [] },
  // The owner's API tokens for Settings; the hash of the secret never leaves the server.
  api_tokens: { table: 'api_tokens', scope: 'account', key: 'id', hidden: ['tokenHash'] },
  // The owner's links, listed in Settings; only the hash of a token is stored, and it stays here.
  share_links: { table: 'share_links', scope: 'account', key: 'id', hidden: ['tokenHash'] },
  session_uploads: { table: 'session_uploads', scope: 'session', key: 'id', hidden: [] },
  // Ordinals are unique within a session, and each collection holds one session.
  timeline_events: { table: 'timeline_events', scope: 'session', key: 'ordinal', hidden: [] },
  chat_threads: { table: 'chat_threads', scope: 'session', key: 'id', hidden: [] },
  chat_messages: { table: 'chat_messages', scope: 'session', key: 'id', hidden: [] },
  chat_tool_events: { table: 'chat_tool_events', scope: 'session', key: 'id', hidden: [] },
  misalignments: { table: 'misalignments', scope: 'session', key: 'id', hidden: [] },
  hookify_decisions: { table: 'hookify_decisions', scope: 'session', key: 'id', hidden: [] },
  agent_rules: { table: 'agent_rules', scope: 'session', key: 'id', hidden: [] },
  session_repo_bindings: { table: 'session_repo_bindings', scope: 'session', key: 'sessionId', hidden: [] },
} as const satisfies Record<string, CatalogEntry>

export type ShapeName = keyof typeof SHAPE_CATALOG
type EntryOf<S extends ShapeName> = (typeof SHAPE_CATALOG)[S]

export type AccountShape = { [S in ShapeName]: EntryOf<S>['scope'] extends 'account' ? S : never }[ShapeName]
export type SessionShape = { [S in ShapeName]: EntryOf<S>['scope'] extends 'session' ? S : never }[ShapeName]

/** Every table of the schema, by its SQL name (types only). */
type TablesByName = {
  [K in keyof typeof schema as (typeof schema)[K] extends Table
    ? (typeof schema)[K]['_']['name']
    : never]: (typeof schema)[K]
}
export type TableName = Extract<keyof TablesByName, string>

/** What a browser receives of a shape's table: the select type without the hidden columns. */
export type ShapeRow<S extends ShapeName> = Omit<
  InferSelectModel<TablesByName[EntryOf<S>['table']]>,
  EntryOf<S>['hidden'][number]
>

export type ShapeKey<S extends ShapeName> = ShapeRow<S>[EntryOf<S>['key'] & keyof ShapeRow<S>] & (string | number)

export const SHAPE_NAMES = Object.keys(SHAPE_CATALOG) as ShapeName[]

/** A shape name from untrusted input: own keys only, so `__proto__` or `constructor` is no shape. */
export function isShapeName(name: string | null | undefined): name is ShapeName {
  return typeof name === 'string' && Object.hasOwn(SHAPE_CATALOG, name)
}

/** The key of a row, as the catalog names it. */
export function rowKeyOf<S extends ShapeName>(shape: S): (row: ShapeRow<S>) => ShapeKey<S> {
  const key = SHAPE_CATALOG[shape].key as keyof ShapeRow<S>
  return (row) => row[key] as ShapeKey<S>
}

/** The id of the collection (and of its sync failures) for a shape, and a session for session shapes. */
export function collectionIdOf(shape: ShapeName, sessionId?: string) {
  return sessionId ? `${shape}:${sessionId}` : shape
}

/** Tables replicated to browsers (REPLICA IDENTITY FULL, `account_id` on each). */
export const REPLICATED_TABLES: readonly TableName[] = [
  ...new Set(SHAPE_NAMES.map((name) => SHAPE_CATALOG[name].table)),
]
