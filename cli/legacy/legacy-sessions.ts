/**
 * The original product had no session table: chats were keyed by a string derived from the
 * upload path, `session-` + hex of its first 20 bytes (docs/legacy-import.md). Each such key
 * becomes one `sessions` row whose title says where it came from and, when the key covered several
 * real sessions, that they were merged.
 */
import type { SessionOrigin } from '~/domain/sessions/session-kinds'

export interface LegacySessionDescription {
  title: string
  origin: SessionOrigin
}

export const CODEX_HOME_SESSION_KEY = 'session-75706c6f6164732f7e2f2e636f6465782f736573'
export const GEMINI_HOME_SESSION_KEY = 'session-75706c6f6164732f7e2f2e67656d696e692f746d'

/** The derivation kept 20 bytes of the path; a key this long may stand for several uploads. */
const TRUNCATED_HEX_LENGTH = 40
const TITLE_PREFIX = 'Imported from the original product'

const KNOWN_KEYS: Record<string, LegacySessionDescription> = {
  [CODEX_HOME_SESSION_KEY]: {
    title: `${TITLE_PREFIX}: Codex sessions under ~/.codex/sessions (several sessions merged under one id)`,
    origin: 'codex',
  },
  [GEMINI_HOME_SESSION_KEY]: {
    title: `${TITLE_PREFIX}: Gemini CLI sessions under ~/.gemini/tmp (several sessions merged under one id)`,
    origin: 'gemini-cli',
  },
  'session-default': {
    title: `${TITLE_PREFIX}: default session (chats held while no session was selected)`,
    origin: 'unknown',
  },
  'session-unbound': {
    title: `${TITLE_PREFIX}: unbound session (chats without a session file)`,
    origin: 'unknown',
  },
}

function decodeUploadPath(key: string): string | undefined {
  const hex = /^session-((?:[0-9a-f]{2})+)$/.exec(key)?.[1]
  if (!hex) return undefined
  const decoded = new TextDecoder('utf-8').decode(Buffer.from(hex, 'hex')).replace(/\uFFFD+$/, '')
  const printable = [...decoded].every((char) => char >= ' ')
  return decoded.startsWith('uploads/') && printable ? decoded : undefined
}

function inferOrigin(path: string): SessionOrigin {
  if (path.includes('.gemini')) return 'gemini-cli'
  if (path.includes('.codex') || /(^|\/)rollout-/.test(path)) return 'codex'
  return 'unknown'
}

export function describeLegacySession(key: string): LegacySessionDescription {
  const known = KNOWN_KEYS[key]
  if (known) return known
  const path = decodeUploadPath(key)
  if (!path) return { title: `${TITLE_PREFIX}: session ${key}`, origin: 'unknown' }
  const truncated = key.length - 'session-'.length >= TRUNCATED_HEX_LENGTH
  const title = truncated
    ? `${TITLE_PREFIX}: uploads starting with "${path}" (the id kept only this prefix; it may merge several sessions)`
    : `${TITLE_PREFIX}: ${path}`
  return { title, origin: inferOrigin(path) }
}
