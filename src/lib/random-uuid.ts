/**
 * A v4 UUID for rows created in the browser (their primary key is chosen client-side so the
 * optimistic row and the synced row are the same row). `crypto.randomUUID` exists only in secure
 * contexts, and a password-mode server on a LAN address is plain http, so this builds one from
 * `getRandomValues`, which works everywhere.
 */
export function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
