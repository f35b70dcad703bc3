/** Which agent wrote a session's log; `unknown` when no parser recognised it. */
export const SESSION_ORIGINS = ['codex', 'gemini-cli', 'claude-code', 'unknown'] as const
export type SessionOrigin = (typeof SESSION_ORIGINS)[number]

/** How a session reached the app (`pushed`: through the incremental ingest API, e.g. agent-push). */
export const SESSION_SOURCES = ['upload', 'discovered', 'pushed', 'legacy'] as const
export type SessionSource = (typeof SESSION_SOURCES)[number]

/** What a user may do in a session shared with them. */
export const MEMBER_ROLES = ['owner', 'editor', 'viewer'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]

/**
 * Where a session's ingest stands: `live` while events are still arriving (a tailed file that is
 * growing, an upload in progress), `complete` when the whole log is in, `failed` when ingest
 * stopped on an error (`status_message` says which), `interrupted` when a tailed log vanished or
 * the server stopped while the session was live.
 */
export const SESSION_STATUSES = ['live', 'complete', 'failed', 'interrupted'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]
