/**
 * Every table of Session Coach. The data model and its invariants are described in
 * docs/data-model.md; replicated tables get REPLICA IDENTITY FULL in drizzle/0001_replica_identity.sql.
 */
import { sql } from 'drizzle-orm'
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { COMMAND_FAMILIES } from '~/domain/agent-logs/command-family'
import { TIMELINE_EVENT_TYPES } from '~/domain/agent-logs/timeline-event-types'
import { API_TOKEN_SCOPES } from '~/domain/api-tokens/api-token-scopes'
import {
  CHAT_MODES,
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  THREAD_STATUSES,
  TOOL_EVENT_STATUSES,
} from '~/domain/coach/chat-kinds'
import { HOOK_SEVERITIES, HOOK_SOURCES, MAX_DECISION_RULES } from '~/domain/hookify/gate'
import { SEVERITIES } from '~/domain/misalignments/severity'
import { MISALIGNMENT_STATUSES } from '~/domain/misalignments/status'
import { MEMBER_ROLES, SESSION_ORIGINS, SESSION_SOURCES, SESSION_STATUSES } from '~/domain/sessions/session-kinds'

const createdAt = () => timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow()
const updatedAt = () => timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull().defaultNow()
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 6 })

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })
/** Postgres full-text document; written only by SQL (`to_tsvector`), never read into JS. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' })

/** `prefix_<uuid>` ids keep the original product's formats, so legacy rows import with their ids. */
const prefixedId = (prefix: string) =>
  text('id')
    .primaryKey()
    .default(sql.raw(`('${prefix}_' || gen_random_uuid())`))

/**
 * A session-scoped row belongs to its session's account: `(session_id, account_id)` must name a
 * session of that account, so the database refuses a row of account A inside account B's session
 * (which B's shapes would then serve). Deleting the session deletes the row.
 */
const sessionAccountKey = (table: string, t: { sessionId: AnyPgColumn; accountId: AnyPgColumn }) =>
  foreignKey({
    name: `${table}_session_account_fk`,
    columns: [t.sessionId, t.accountId],
    foreignColumns: [sessions.id, sessions.accountId],
  }).onDelete('cascade')

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`)

// ── Identity ────────────────────────────────────────────────────────────────

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: createdAt(),
})

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    email: text('email').unique(),
    passwordHash: text('password_hash'),
    /** May see server internals (database version, every account's row counts); see docs/security.md. */
    isOperator: boolean('is_operator').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('users_account_idx').on(t.accountId)],
)

export const authSessions = pgTable(
  'auth_sessions',
  {
    /** sha256 (hex) of the cookie token; the token itself is never stored. */
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull().defaultNow(),
    revokedAt: instant('revoked_at'),
    userAgent: text('user_agent'),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
)

/**
 * Personal API tokens for programs (agent-push, scripts): `Authorization: Bearer <token>` on the
 * routes that accept it (docs/operations.md). Only the sha256 of the token is stored; `prefix` is
 * its first characters, shown to tell tokens apart. Replicated to the owner's Settings page
 * without `token_hash` (src/sync/catalog.ts hides it).
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** sha256 (hex) of the whole token; never leaves the server. */
    tokenHash: text('token_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: instant('expires_at'),
    /** Updated at most once a minute (src/server/repositories/api-tokens-repository.ts). */
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_uq').on(t.tokenHash),
    index('api_tokens_account_idx').on(t.accountId, t.createdAt),
    check(
      'api_tokens_scopes_ck',
      sql.raw(
        `scopes <@ array[${API_TOKEN_SCOPES.map((s) => `'${s}'`).join(', ')}]::text[] and cardinality(scopes) > 0`,
      ),
    ),
    check('api_tokens_name_ck', sql`length(btrim(name)) between 1 and 80`),
  ],
)

/** Failed and successful sign-ins, for rate limiting across every app instance. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `email:<lowercased>` or `ip:<address>`: each is limited on its own. */
    key: text('key').notNull(),
    succeeded: boolean('succeeded').notNull(),
    attemptedAt: instant('attempted_at').notNull().defaultNow(),
  },
  (t) => [index('login_attempts_key_idx').on(t.key, t.attemptedAt)],
)

// ── Sessions and their events ───────────────────────────────────────────────

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** The agent's own session id, else `sha256:<hex>` of the content; unique per account. */
    sourceKey: text('source_key').notNull(),
    title: text('title').notNull(),
    origin: text('origin', { enum: SESSION_ORIGINS }).notNull().default('unknown'),
    source: text('source', { enum: SESSION_SOURCES }).notNull(),
    originalName: text('original_name'),
    sourcePath: text('source_path'),
    repoName: text('repo_name'),
    branch: text('branch'),
    commitSha: text('commit_sha'),
    remoteUrl: text('remote_url'),
    cwd: text('cwd'),
    cliVersion: text('cli_version'),
    model: text('model'),
    startedAt: instant('started_at'),
    lastEventAt: instant('last_event_at'),
    eventCount: integer('event_count').notNull().default(0),
    errorLineCount: integer('error_line_count').notNull().default(0),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
    cachedInputTokens: bigint('cached_input_tokens', { mode: 'number' }).notNull().default(0),
    outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
    reasoningTokens: bigint('reasoning_tokens', { mode: 'number' }).notNull().default(0),
    status: text('status', { enum: SESSION_STATUSES }).notNull().default('complete'),
    /** Why the status is `failed` or `interrupted`, for the person reading the session list. */
    statusMessage: text('status_message'),
    /** The first malformed lines `[{lineNumber, reason, excerpt}]`; `error_line_count` counts them all. */
    malformedLines: jsonb('malformed_lines').notNull().default([]),
    /**
     * The original product's id for this log (`session-` + hex of the first 20 bytes of
     * `uploads/<name>`), so chats imported by `pnpm import:legacy` under that id can be found.
     */
    legacyKey: text('legacy_key'),
    /** For pushed sessions (agent-push): the hostname the pushing machine gave. */
    machine: text('machine'),
    /** For pushed sessions: whose API token pushed it, and that person's name at the time. */
    pushedByUserId: uuid('pushed_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    pushedByName: text('pushed_by_name'),
    /** Set when a person renamed the session: ingest then keeps `title` instead of re-deriving it. */
    renamedAt: instant('renamed_at'),
    archivedAt: instant('archived_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sessions_account_source_key_uq').on(t.accountId, t.sourceKey),
    // The target of every session-scoped table's (session_id, account_id) foreign key.
    unique('sessions_id_account_uq').on(t.id, t.accountId),
    index('sessions_account_last_event_idx').on(t.accountId, t.lastEventAt.desc()),
    check('sessions_origin_ck', inList('origin', SESSION_ORIGINS)),
    check('sessions_source_ck', inList('source', SESSION_SOURCES)),
    check('sessions_status_ck', inList('status', SESSION_STATUSES)),
    check('sessions_counts_ck', sql`event_count >= 0 and error_line_count >= 0 and size_bytes >= 0`),
  ],
)

export const sessionMembers = pgTable(
  'session_members',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBER_ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.userId] }),
    index('session_members_user_idx').on(t.userId),
    check('session_members_role_ck', inList('role', MEMBER_ROLES)),
  ],
)

/**
 * A read-only link to one session for visitors without an account (docs/security.md, "Share
 * links"). Only the SHA-256 of the token is stored; the owner sees the token once. `include_*`
 * widen what the link serves beyond the session and its timeline. Synced to the owner's Settings
 * (token hash hidden); visitors never read this table through a shape.
 */
export const shareLinks = pgTable(
  'share_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    tokenHash: text('token_hash').notNull(),
    includeUploads: boolean('include_uploads').notNull().default(false),
    includeRules: boolean('include_rules').notNull().default(false),
    includeCoach: boolean('include_coach').notNull().default(false),
    expiresAt: instant('expires_at'),
    revokedAt: instant('revoked_at'),
    lastViewedAt: instant('last_viewed_at'),
    viewCount: integer('view_count').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('share_links_token_hash_uq').on(t.tokenHash),
    index('share_links_account_idx').on(t.accountId, t.createdAt),
    sessionAccountKey('share_links', t),
    check('share_links_view_count_ck', sql`view_count >= 0`),
  ],
)

export const sessionUploads = pgTable(
  'session_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    originalName: text('original_name').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    /** Set when the upload is complete; one stored copy per (session, content). */
    contentSha256: text('content_sha256'),
    /** How the chunks in session_upload_chunks are encoded. */
    contentEncoding: text('content_encoding', { enum: ['identity', 'gzip'] })
      .notNull()
      .default('gzip'),
    completedAt: instant('completed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    sessionAccountKey('session_uploads', t),
    index('session_uploads_session_idx').on(t.sessionId),
    uniqueIndex('session_uploads_session_content_uq').on(t.sessionId, t.contentSha256),
  ],
)

/**
 * The raw bytes of an upload, in order, as written while it streamed in (so no upload is ever held
 * whole in memory). Server-only: never part of a shape, served by the authorized raw download.
 */
export const sessionUploadChunks = pgTable(
  'session_upload_chunks',
  {
    uploadId: uuid('upload_id')
      .notNull()
      .references(() => sessionUploads.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    content: bytea('content').notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.seq] })],
)

export const timelineEvents = pgTable(
  'timeline_events',
  {
    sessionId: uuid('session_id').notNull(),
    /** 0-based position in parse order; the UI shows `#ordinal+1`. */
    ordinal: integer('ordinal').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    eventKey: text('event_key'),
    type: text('type', { enum: TIMELINE_EVENT_TYPES }).notNull(),
    role: text('role'),
    at: instant('at'),
    name: text('name'),
    command: text('command'),
    /** `commandFamily(command)` (git, package, test…), so the timeline filters on a plain column. */
    commandFamily: text('command_family', { enum: COMMAND_FAMILIES }),
    /** Written by a sub-agent (Claude Code sidechain) rather than the main conversation. */
    sidechain: boolean('sidechain').notNull().default(false),
    path: text('path'),
    exitCode: integer('exit_code'),
    durationMs: integer('duration_ms'),
    summary: text('summary').notNull().default(''),
    payload: jsonb('payload').notNull().default({}),
  },
  (t) => [
    // No composite foreign key here: ingest writes about a thousand events per MB of log, and its
    // per-row check was a fifth of Postgres' ingest work. The same guarantee is checked once per
    // statement by triggers (drizzle/0015; docs/data-model.md).
    primaryKey({ columns: [t.sessionId, t.ordinal] }),
    index('timeline_events_session_at_idx').on(t.sessionId, t.at),
    check('timeline_events_type_ck', inList('type', TIMELINE_EVENT_TYPES)),
    check('timeline_events_ordinal_ck', sql`ordinal >= 0`),
    check('timeline_events_command_family_ck', inList('command_family', COMMAND_FAMILIES)),
  ],
)

/**
 * The full-text document of each timeline event, for cross-session search (docs/search-and-export.md).
 * A table of its own, never published or synced, kept in step with `timeline_events` by statement
 * triggers (drizzle/0013): every insert, update, delete and truncate of events, whoever runs it.
 * Not a column of `timeline_events`: a stored generated column cannot be there (Postgres 18 refuses
 * UPDATE/DELETE on a published REPLICA IDENTITY FULL table with unpublished generated columns), and
 * an expression index makes ranking recompute `to_tsvector` for every match.
 */
export const timelineEventSearch = pgTable(
  'timeline_event_search',
  {
    sessionId: uuid('session_id').notNull(),
    ordinal: integer('ordinal').notNull(),
    /** The event's account: the search scope, checked without reading the event. */
    accountId: uuid('account_id').notNull(),
    at: instant('at'),
    /** `to_tsvector('simple', timeline_event_search_text(type, summary, name, command, path, payload))` (drizzle/0014). */
    document: tsvector('document').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.ordinal] }),
    index('timeline_event_search_document_idx').using('gin', t.document),
    // Recency order within an account: a word found in a large share of events is cut to its most
    // recent matches by walking this index instead of reading every match.
    index('timeline_event_search_recent_idx').on(t.accountId, t.at.desc().nullsLast(), t.sessionId, t.ordinal),
  ],
)

/**
 * Server-only bookkeeping of discovery: what was read of each log file under SESSION_DIRS, so a
 * re-scan skips unchanged files and a restart resumes a tail where it stopped.
 */
export const discoveredFiles = pgTable(
  'discovered_files',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    /** Size and mtime seen at the last read; both unchanged means the file is not read again. */
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
    mtimeMs: bigint('mtime_ms', { mode: 'number' }).notNull().default(0),
    /** `dev:ino` of the file read; a different one at the same path is an atomic replacement. */
    fileIdentity: text('file_identity').notNull().default(''),
    /** Bytes consumed up to the end of the last complete line. */
    offsetBytes: bigint('offset_bytes', { mode: 'number' }).notNull().default(0),
    lineNumber: integer('line_number').notNull().default(0),
    /** The parser's saved state at `offset_bytes` (plain JSON), to continue after a restart. */
    parserState: jsonb('parser_state'),
    /** Why the file is not ingested (binary, not a known log format…); null when it is. */
    rejection: text('rejection'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.path] })],
)

/**
 * Server-only bookkeeping of the incremental ingest API (`POST /api/ingest/chunks`): how far each
 * pushed log has been received, so a chunk is appended exactly once and a pusher can resume. The
 * bytes after the last line break (a line the agent is still writing) wait in `pending_bytes`.
 */
export const pushedSources = pgTable(
  'pushed_sources',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    machine: text('machine').notNull(),
    /** The pusher's name for the log (its path on that machine). */
    sourceKey: text('source_key').notNull(),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    /** Every byte received so far (complete lines plus `pending_bytes`). */
    offsetBytes: bigint('offset_bytes', { mode: 'number' }).notNull().default(0),
    lineNumber: integer('line_number').notNull().default(0),
    pendingBytes: bytea('pending_bytes'),
    /** The parser's saved state after the last complete line; null until the format is known. */
    parserState: jsonb('parser_state'),
    /** Why the log is refused (not a known agent log); chunks for it are then answered 415. */
    rejection: text('rejection'),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.machine, t.sourceKey] }),
    check('pushed_sources_offset_ck', sql`offset_bytes >= 0 and line_number >= 0`),
  ],
)

// ── Coach ───────────────────────────────────────────────────────────────────

export const chatThreads = pgTable(
  'chat_threads',
  {
    id: prefixedId('thread'),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: CHAT_MODES }).notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: THREAD_STATUSES }).notNull().default('active'),
    messageCount: integer('message_count').notNull().default(0),
    lastMessagePreview: text('last_message_preview'),
    lastMessageAt: instant('last_message_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sessionAccountKey('chat_threads', t),
    uniqueIndex('chat_threads_one_active_uq').on(t.sessionId, t.mode).where(sql`status = 'active'`),
    index('chat_threads_session_idx').on(t.sessionId, t.updatedAt.desc()),
    check('chat_threads_mode_ck', inList('mode', CHAT_MODES)),
    check('chat_threads_status_ck', inList('status', THREAD_STATUSES)),
    check('chat_threads_count_ck', sql`message_count >= 0`),
    check('chat_threads_preview_ck', sql`char_length(last_message_preview) <= 280`),
  ],
)

export const chatMessages = pgTable(
  'chat_messages',
  {
    id: prefixedId('chat'),
    threadId: text('thread_id')
      .notNull()
      .references(() => chatThreads.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    mode: text('mode', { enum: CHAT_MODES }).notNull(),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull().default(''),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    clientMessageId: text('client_message_id'),
    misalignmentId: text('misalignment_id'),
    evidence: jsonb('evidence'),
    contextEvents: jsonb('context_events'),
    model: text('model'),
    /** Why a reply ended `failed` (provider error, stopped, server restart), kept for every device. */
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sessionAccountKey('chat_messages', t),
    uniqueIndex('chat_messages_thread_seq_uq').on(t.threadId, t.seq),
    uniqueIndex('chat_messages_thread_client_id_uq').on(t.threadId, t.clientMessageId),
    index('chat_messages_session_idx').on(t.sessionId),
    check('chat_messages_mode_ck', inList('mode', CHAT_MODES)),
    check('chat_messages_role_ck', inList('role', MESSAGE_ROLES)),
    check('chat_messages_status_ck', inList('status', MESSAGE_STATUSES)),
    check('chat_messages_seq_ck', sql`seq >= 1`),
  ],
)

export const chatToolEvents = pgTable(
  'chat_tool_events',
  {
    id: prefixedId('tool'),
    sessionId: uuid('session_id').notNull(),
    threadId: text('thread_id').references(() => chatThreads.id, { onDelete: 'set null' }),
    messageId: text('message_id').references(() => chatMessages.id, { onDelete: 'set null' }),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    toolCallId: text('tool_call_id'),
    toolName: text('tool_name').notNull(),
    status: text('status', { enum: TOOL_EVENT_STATUSES }).notNull().default('pending'),
    arguments: jsonb('arguments'),
    result: jsonb('result'),
    error: text('error'),
    startedAt: instant('started_at').notNull().defaultNow(),
    completedAt: instant('completed_at'),
    latencyMs: integer('latency_ms'),
    contextEvents: jsonb('context_events'),
  },
  (t) => [
    sessionAccountKey('chat_tool_events', t),
    index('chat_tool_events_session_idx').on(t.sessionId, t.startedAt),
    index('chat_tool_events_thread_idx').on(t.threadId),
    check('chat_tool_events_status_ck', inList('status', TOOL_EVENT_STATUSES)),
  ],
)

export const misalignments = pgTable(
  'misalignments',
  {
    id: prefixedId('misalignment'),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ruleId: text('rule_id').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default('Misalignment detected'),
    severity: text('severity', { enum: SEVERITIES }).notNull().default('medium'),
    status: text('status', { enum: MISALIGNMENT_STATUSES }).notNull().default('open'),
    /** `{startIndex, endIndex, startAt, endAt}` with 0-based ordinals. */
    eventRange: jsonb('event_range'),
    /** `[{message, eventIndex, eventId, highlight}]` */
    evidence: jsonb('evidence').notNull().default([]),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    sessionAccountKey('misalignments', t),
    uniqueIndex('misalignments_session_rule_uq').on(t.sessionId, t.ruleId),
    check('misalignments_severity_ck', inList('severity', SEVERITIES)),
    check('misalignments_status_ck', inList('status', MISALIGNMENT_STATUSES)),
  ],
)

export const hookifyDecisions = pgTable(
  'hookify_decisions',
  {
    id: prefixedId('hook'),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    source: text('source', { enum: HOOK_SOURCES }).notNull(),
    contentHash: text('content_hash').notNull(),
    severity: text('severity', { enum: HOOK_SEVERITIES }).notNull(),
    blocked: boolean('blocked').notNull(),
    /** At most five `{id, severity}`. */
    rules: jsonb('rules').notNull().default([]),
    message: text('message'),
    annotations: text('annotations'),
    createdAt: createdAt(),
  },
  (t) => [
    sessionAccountKey('hookify_decisions', t),
    index('hookify_decisions_session_idx').on(t.sessionId, t.createdAt),
    check('hookify_decisions_source_ck', inList('source', HOOK_SOURCES)),
    check('hookify_decisions_severity_ck', inList('severity', HOOK_SEVERITIES)),
    check('hookify_decisions_blocked_ck', sql`blocked = (severity in ('high', 'critical'))`),
    check('hookify_decisions_hash_ck', sql`content_hash ~ '^[0-9a-f]{64}$'`),
    check(
      'hookify_decisions_rules_ck',
      sql`jsonb_typeof(rules) = 'array' and jsonb_array_length(rules) <= ${sql.raw(String(MAX_DECISION_RULES))}`,
    ),
  ],
)

export const agentRules = pgTable(
  'agent_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    ruleId: text('rule_id').notNull(),
    heading: text('heading').notNull(),
    summary: text('summary').notNull(),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    /** What the rule forbids or asks for; only the forbidden ones are matched (docs/rules.md). */
    forbiddenCommands: text('forbidden_commands').array().notNull().default(sql`'{}'::text[]`),
    requiredCommands: text('required_commands').array().notNull().default(sql`'{}'::text[]`),
    forbiddenPhrases: text('forbidden_phrases').array().notNull().default(sql`'{}'::text[]`),
    requiredPhrases: text('required_phrases').array().notNull().default(sql`'{}'::text[]`),
    /** The repository root the file was read from; null for a pasted or uploaded file. */
    repoRoot: text('repo_root'),
    /** Relative to `repo_root`, or the name a pasted/uploaded file was given. */
    sourcePath: text('source_path'),
    /** 1-based line of the rule in its file. */
    sourceLine: integer('source_line'),
    sourceSha256: text('source_sha256'),
    capturedAt: instant('captured_at').notNull().defaultNow(),
  },
  (t) => [
    sessionAccountKey('agent_rules', t),
    uniqueIndex('agent_rules_session_rule_uq').on(t.sessionId, t.ruleId),
    check('agent_rules_severity_ck', inList('severity', SEVERITIES)),
  ],
)

export const sessionRepoBindings = pgTable(
  'session_repo_bindings',
  {
    sessionId: uuid('session_id').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    assetPath: text('asset_path').notNull(),
    rootDir: text('root_dir').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [sessionAccountKey('session_repo_bindings', t)],
)

// ── Other ───────────────────────────────────────────────────────────────────

export const todos = pgTable(
  'todos',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    completed: boolean('completed').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('todos_account_idx').on(t.accountId, t.createdAt),
    check('todos_text_ck', sql`length(btrim(text)) > 0`),
  ],
)

export const legacyImports = pgTable('legacy_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** One run imports several files; they share a run id. */
  runId: uuid('run_id').notNull(),
  accountId: uuid('account_id').references(() => accounts.id, { onDelete: 'set null' }),
  fileName: text('file_name').notNull(),
  sha256: text('sha256').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull().default(0),
  /** `{read, imported, skipped, fixed: {kind: n}}` */
  counts: jsonb('counts').notNull().default({}),
  mode: text('mode', { enum: ['import', 'force-merge'] })
    .notNull()
    .default('import'),
  backupPath: text('backup_path'),
  startedAt: instant('started_at').notNull().defaultNow(),
  finishedAt: instant('finished_at'),
})

export type Account = typeof accounts.$inferSelect
export type User = typeof users.$inferSelect
export type AuthSession = typeof authSessions.$inferSelect
export type LoginAttempt = typeof loginAttempts.$inferSelect
export type ApiToken = typeof apiTokens.$inferSelect
export type PushedSource = typeof pushedSources.$inferSelect
export type Session = typeof sessions.$inferSelect
export type ShareLink = typeof shareLinks.$inferSelect
export type NewSession = typeof sessions.$inferInsert
export type SessionUpload = typeof sessionUploads.$inferSelect
export type DiscoveredFile = typeof discoveredFiles.$inferSelect
export type TimelineEvent = typeof timelineEvents.$inferSelect
export type ChatThread = typeof chatThreads.$inferSelect
export type ChatMessage = typeof chatMessages.$inferSelect
export type ChatToolEvent = typeof chatToolEvents.$inferSelect
export type Misalignment = typeof misalignments.$inferSelect
export type HookifyDecision = typeof hookifyDecisions.$inferSelect
export type AgentRule = typeof agentRules.$inferSelect
export type SessionRepoBinding = typeof sessionRepoBindings.$inferSelect
export type Todo = typeof todos.$inferSelect
export type LegacyImport = typeof legacyImports.$inferSelect
