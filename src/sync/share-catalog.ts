/**
 * What a share link serves its visitors (docs/security.md, "Share links"): browser-safe, like
 * `catalog.ts`. Every share shape is one catalog shape narrowed to the link's one session, the
 * server picks table, where, params and columns; `include` names the link option that must be on
 * for the shape to be served at all (uploads, rules, coach threads are off unless the owner
 * includes them).
 */
import type { SessionShape } from './catalog'

export type ShareInclude = 'uploads' | 'rules' | 'coach'

export interface ShareShapeEntry {
  /** The catalog shape whose table and columns this serves (`sessions` is narrowed to one row). */
  readonly catalogShape: SessionShape | 'sessions'
  /** The column bound to the shared session's id. */
  readonly scopeColumn: 'id' | 'session_id'
  /** SQL column names visitors never receive, beyond the catalog's hidden ones. */
  readonly hiddenColumns: readonly string[]
  readonly include: ShareInclude | null
}

export const SHARE_SHAPES = {
  // Where the log lives on the owner's machine stays with the owner.
  session: {
    catalogShape: 'sessions',
    scopeColumn: 'id',
    hiddenColumns: ['source_key', 'source_path', 'cwd', 'legacy_key', 'malformed_lines'],
    include: null,
  },
  timeline_events: { catalogShape: 'timeline_events', scopeColumn: 'session_id', hiddenColumns: [], include: null },
  session_uploads: {
    catalogShape: 'session_uploads',
    scopeColumn: 'session_id',
    hiddenColumns: [],
    include: 'uploads',
  },
  misalignments: { catalogShape: 'misalignments', scopeColumn: 'session_id', hiddenColumns: [], include: 'rules' },
  agent_rules: { catalogShape: 'agent_rules', scopeColumn: 'session_id', hiddenColumns: [], include: 'rules' },
  chat_threads: { catalogShape: 'chat_threads', scopeColumn: 'session_id', hiddenColumns: [], include: 'coach' },
  chat_messages: { catalogShape: 'chat_messages', scopeColumn: 'session_id', hiddenColumns: [], include: 'coach' },
} as const satisfies Record<string, ShareShapeEntry>

export type ShareShapeName = keyof typeof SHARE_SHAPES

export const SHARE_SHAPE_NAMES = Object.keys(SHARE_SHAPES) as ShareShapeName[]

/** Own keys only, like `isShapeName`: `__proto__` is no share shape. */
export function isShareShapeName(name: string | null | undefined): name is ShareShapeName {
  return typeof name === 'string' && Object.hasOwn(SHARE_SHAPES, name)
}

/** `scs_` + 256 random bits (base64url): recognisable, so logs can redact it. */
export const SHARE_TOKEN_PATTERN = /^scs_[A-Za-z0-9_-]{43}$/

/** The query parameter that carries the token on share shape requests. */
export const SHARE_TOKEN_PARAM = 'share'
