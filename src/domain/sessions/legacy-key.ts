/**
 * The id the original product gave a log's chats: `session-` + hex of the first 20 bytes of
 * `uploads/<name>` (see docs/legacy-import.md). Sessions imported by `pnpm import:legacy` carry it
 * as their source_key; an ingested log records it as `legacy_key`, which is how the two meet.
 */
const KEPT_BYTES = 20

export function legacySessionKey(displayName: string): string {
  const bytes = new TextEncoder().encode(`uploads/${displayName}`).subarray(0, KEPT_BYTES)
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `session-${hex}`
}
