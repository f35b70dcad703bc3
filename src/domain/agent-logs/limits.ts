/**
 * Size limits, so one huge line or tool output cannot exhaust memory or bloat a `jsonb` row.
 * Documented in docs/agent-logs.md.
 */

/** Lines longer than this (UTF-16 code units, ~ bytes for ASCII) are not parsed: malformed "too long". */
export const MAX_LINE_LENGTH = 16 * 1024 * 1024
/** One string inside an event payload (stdout, patch, message text) keeps at most this many characters. */
export const MAX_PAYLOAD_STRING_LENGTH = 32 * 1024
/** All strings of one event payload together keep at most this many characters. */
export const MAX_PAYLOAD_TEXT_BUDGET = 256 * 1024
/** Nested arrays/objects deeper than this are replaced by a marker. */
export const MAX_PAYLOAD_DEPTH = 12
/** Array items / object keys kept per level. */
export const MAX_PAYLOAD_ENTRIES = 500
/** Timeline row summaries are one line of at most this many characters. */
export const MAX_SUMMARY_LENGTH = 200
/** Session titles keep at most this many characters. */
export const MAX_TITLE_LENGTH = 120
/** Short columns (name, command, path) keep at most this many characters. */
export const MAX_COLUMN_LENGTH = 4096
/** Events waiting for a call's output; beyond this the oldest waiting call is released unpaired. */
export const MAX_HELD_EVENTS = 256
/** Malformed lines kept with their reason (all are counted). */
export const MAX_KEPT_MALFORMED_LINES = 50
/** Characters of a malformed line kept as its excerpt. */
export const MALFORMED_EXCERPT_LENGTH = 200
