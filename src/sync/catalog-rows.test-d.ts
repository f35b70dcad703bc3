/**
 * Type tests, checked by `pnpm typecheck` (part of `npm test`): a collection row is exactly the
 * schema's select type without the catalog's hidden columns, and every catalog key is a column.
 */
import type { Collection } from '@tanstack/react-db'
import { expectTypeOf } from 'vitest'
import type { apiTokensCollection } from '~/collections/api-tokens-collection'
import type { sessionCollection } from '~/collections/session-collections'
import type { sessionsCollection } from '~/collections/sessions-collection'
import type { todosCollection } from '~/collections/todos-collection'
import type {
  AgentRule,
  ApiToken,
  ChatMessage,
  ChatThread,
  ChatToolEvent,
  HookifyDecision,
  Misalignment,
  Session,
  SessionRepoBinding,
  SessionUpload,
  ShareLink,
  TimelineEvent,
  Todo,
} from '~/db/schema'
import type { SHAPE_CATALOG, ShapeKey, ShapeName, ShapeRow } from './catalog'

type RowOf<C> = C extends Collection<infer T, infer _K, infer _U> ? T : never

expectTypeOf<ShapeName>().toEqualTypeOf<
  | 'sessions'
  | 'todos'
  | 'shared_sessions'
  | 'api_tokens'
  | 'share_links'
  | 'session_uploads'
  | 'timeline_events'
  | 'chat_threads'
  | 'chat_messages'
  | 'chat_tool_events'
  | 'misalignments'
  | 'hookify_decisions'
  | 'agent_rules'
  | 'session_repo_bindings'
>()

expectTypeOf<ShapeRow<'sessions'>>().toEqualTypeOf<Session>()
expectTypeOf<ShapeRow<'todos'>>().toEqualTypeOf<Todo>()
expectTypeOf<ShapeRow<'shared_sessions'>>().toEqualTypeOf<Session>()
// The token's hash never reaches a browser.
expectTypeOf<ShapeRow<'api_tokens'>>().toEqualTypeOf<Omit<ApiToken, 'tokenHash'>>()
expectTypeOf<ShapeRow<'share_links'>>().toEqualTypeOf<Omit<ShareLink, 'tokenHash'>>()
expectTypeOf<ShapeRow<'session_uploads'>>().toEqualTypeOf<SessionUpload>()
expectTypeOf<ShapeRow<'timeline_events'>>().toEqualTypeOf<TimelineEvent>()
expectTypeOf<ShapeRow<'chat_threads'>>().toEqualTypeOf<ChatThread>()
expectTypeOf<ShapeRow<'chat_messages'>>().toEqualTypeOf<ChatMessage>()
expectTypeOf<ShapeRow<'chat_tool_events'>>().toEqualTypeOf<ChatToolEvent>()
expectTypeOf<ShapeRow<'misalignments'>>().toEqualTypeOf<Misalignment>()
expectTypeOf<ShapeRow<'hookify_decisions'>>().toEqualTypeOf<HookifyDecision>()
expectTypeOf<ShapeRow<'agent_rules'>>().toEqualTypeOf<AgentRule>()
expectTypeOf<ShapeRow<'session_repo_bindings'>>().toEqualTypeOf<SessionRepoBinding>()

// The collections hold exactly those rows.
expectTypeOf<RowOf<typeof todosCollection>>().toEqualTypeOf<Todo>()
expectTypeOf<RowOf<typeof sessionsCollection>>().toEqualTypeOf<Session>()
expectTypeOf<RowOf<typeof apiTokensCollection>>().toEqualTypeOf<Omit<ApiToken, 'tokenHash'>>()
expectTypeOf<RowOf<ReturnType<typeof sessionCollection<'timeline_events'>>>>().toEqualTypeOf<TimelineEvent>()
expectTypeOf<RowOf<ReturnType<typeof sessionCollection<'chat_messages'>>>>().toEqualTypeOf<ChatMessage>()

// Every key the catalog names is a column of its row, and keys are what the collections index by.
type KeyIsColumn = { [S in ShapeName]: (typeof SHAPE_CATALOG)[S]['key'] extends keyof ShapeRow<S> ? true : false }
expectTypeOf<KeyIsColumn[ShapeName]>().toEqualTypeOf<true>()
expectTypeOf<ShapeKey<'timeline_events'>>().toEqualTypeOf<number>()
expectTypeOf<ShapeKey<'session_repo_bindings'>>().toEqualTypeOf<string>()
