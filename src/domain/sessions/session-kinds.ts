/** Which agent wrote a session's log; `unknown` when no parser recognised it. */
export const SESSION_ORIGINS = ['codex', 'gemini-cli', 'claude-code', 'unknown'] as const
export type SessionOrigin = (typeof SESSION_ORIGINS)[number]

/** How a session reached the app. */
export const SESSION_SOURCES = ['upload', 'discovered', 'legacy'] as const
export type SessionSource = (typeof SESSION_SOURCES)[number]

/** What a user may do in a session shared with them. */
export const MEMBER_ROLES = ['owner', 'editor', 'viewer'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]
