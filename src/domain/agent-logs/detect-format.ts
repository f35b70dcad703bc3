/**
 * Which agent wrote a log: decided from its first lines when they are conclusive, else from its
 * file name or path. Returns null when neither says (the ingest layer then refuses the file with
 * a message instead of guessing).
 */
import { isRecord, readJsonLine } from './json-line'
import type { AgentLogFormat } from './types'

/** How many leading lines the ingest layer should pass. */
export const DETECTION_LINE_COUNT = 10

const CODEX_ENVELOPES = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted'])
const CODEX_BARE_ITEMS = new Set(['message', 'reasoning', 'function_call', 'function_call_output', 'local_shell_call'])
const CLAUDE_LINES = new Set([
  'user',
  'assistant',
  'summary',
  'system',
  'progress',
  'file-history-snapshot',
  'queue-operation',
])
const GEMINI_MESSAGES = new Set(['user', 'gemini', 'info', 'error', 'warning'])
const GEMINI_DOCUMENT_KEYS = /"(?:sessionId|projectHash|messages|parts|history)"\s*:/

export interface DetectionInput {
  /** The first lines of the file (DETECTION_LINE_COUNT is plenty); blank lines are fine. */
  firstLines?: readonly string[]
  /** The file name or path, as uploaded or discovered. */
  filename?: string | null
}

export function detectAgentLogFormat({ firstLines = [], filename }: DetectionInput): AgentLogFormat | null {
  return formatFromContent(firstLines) ?? formatFromName(filename ?? '')
}

function formatFromContent(lines: readonly string[]): AgentLogFormat | null {
  const nonBlank = lines.filter((line) => line.trim().length > 0).slice(0, DETECTION_LINE_COUNT)
  if (nonBlank.length === 0) return null
  const first = nonBlank[0].trim()
  if ((first === '{' || first === '[') && nonBlank.some((line) => GEMINI_DOCUMENT_KEYS.test(line))) return 'gemini-cli'
  for (const line of nonBlank) {
    const read = readJsonLine(line)
    if (read.ok !== true || !isRecord(read.value)) continue
    const format = formatOfEntry(read.value, line === nonBlank[0])
    if (format) return format
  }
  return formatFromFragments(nonBlank.join('\n'))
}

/**
 * The caller may pass only the first kilobytes, cutting a long first line (Codex puts whole
 * instructions into `session_meta`). Such fragments are not JSON, but their keys still tell.
 */
function formatFromFragments(text: string): AgentLogFormat | null {
  if (
    /^\s*\{\s*"timestamp"\s*:[^\n]*?"type"\s*:\s*"(?:session_meta|response_item|event_msg|turn_context)"/.test(text)
  ) {
    return 'codex'
  }
  if (/"type"\s*:\s*"(?:session_meta|response_item|event_msg|turn_context)"\s*,\s*"payload"/.test(text)) return 'codex'
  if (/"projectHash"\s*:/.test(text) || /^\s*\{\s*"\$(?:set|rewindTo)"\s*:/m.test(text)) return 'gemini-cli'
  if (
    /"sessionId"\s*:/.test(text) &&
    /"(?:parentUuid|uuid)"\s*:/.test(text) &&
    /"type"\s*:\s*"(?:user|assistant|system|progress)"/.test(text)
  ) {
    return 'claude-code'
  }
  return null
}

function formatOfEntry(entry: Record<string, unknown>, isFirst: boolean): AgentLogFormat | null {
  const type = typeof entry.type === 'string' ? entry.type : null
  if (type && CODEX_ENVELOPES.has(type) && 'payload' in entry) return 'codex'
  if ('record_type' in entry) return 'codex'
  if ('$set' in entry || '$rewindTo' in entry) return 'gemini-cli'
  if (typeof entry.sessionId === 'string' && 'projectHash' in entry) return 'gemini-cli'
  if (type && CLAUDE_LINES.has(type) && ('uuid' in entry || 'leafUuid' in entry || 'messageId' in entry)) {
    return 'claude-code'
  }
  if (type && GEMINI_MESSAGES.has(type) && typeof entry.id === 'string' && 'timestamp' in entry) return 'gemini-cli'
  if (isFirst && !type && typeof entry.id === 'string' && typeof entry.timestamp === 'string') {
    if ('instructions' in entry || 'git' in entry) return 'codex'
  }
  if (type && CODEX_BARE_ITEMS.has(type) && !('uuid' in entry)) return 'codex'
  return null
}

function formatFromName(path: string): AgentLogFormat | null {
  const normalized = path.replaceAll('\\', '/')
  const name = normalized.split('/').at(-1) ?? ''
  if (normalized.includes('/.codex/') || /^rollout-.*\.jsonl?$/.test(name)) return 'codex'
  if (normalized.includes('/.gemini/') || /^(?:session|checkpoint)-.*\.jsonl?$/.test(name)) return 'gemini-cli'
  if (
    normalized.includes('/.claude/') ||
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?:\..+)?\.jsonl$/.test(name) ||
    /^agent-[\w-]+\.jsonl$/.test(name)
  ) {
    return 'claude-code'
  }
  return null
}
