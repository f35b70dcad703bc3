/**
 * The id the original product gave a log's chats: `session-` + hex of the first 20 bytes of
 * `uploads/<name>` (see docs/legacy-import.md). Sessions imported by `pnpm import:legacy` carry it
 * as their source_key; a log whose name the id stands for alone takes that session over when it is
 * ingested (docs/ingest.md, "Legacy sessions").
 */
const KEPT_BYTES = 20

export function legacySessionKey(displayName: string): string {
  const bytes = new TextEncoder().encode(`uploads/${displayName}`).subarray(0, KEPT_BYTES)
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `session-${hex}`
}

/**
 * The key when it stands for this one name: `uploads/<name>` shorter than the 20 bytes the original
 * kept. Any longer name shares its key with every name that starts with the same 12 bytes (all
 * `rollout-2026-…` uploads had one id), so it names no log in particular: null.
 */
export function exactLegacySessionKey(displayName: string): string | null {
  return new TextEncoder().encode(`uploads/${displayName}`).length < KEPT_BYTES ? legacySessionKey(displayName) : null
}
