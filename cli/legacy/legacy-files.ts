/** The three JSON files the original product kept under `data/` (docs/legacy-import.md, "The original product's files"). */
export const LEGACY_KINDS = ['threads', 'messages', 'toolEvents'] as const
export type LegacyKind = (typeof LEGACY_KINDS)[number]

export const LEGACY_FILE_NAMES: Record<LegacyKind, string> = {
  threads: 'chat-threads.json',
  messages: 'chat-messages.json',
  toolEvents: 'chat-tool-events.json',
}

/** Singular noun for messages such as "duplicate message id". */
export const LEGACY_RECORD_NOUNS: Record<LegacyKind, string> = {
  threads: 'thread',
  messages: 'message',
  toolEvents: 'tool event',
}

export const LEGACY_ID_PREFIXES: Record<LegacyKind, string> = {
  threads: 'thread_',
  messages: 'chat_',
  toolEvents: 'tool_',
}
