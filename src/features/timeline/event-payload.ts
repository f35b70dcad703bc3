/**
 * What the event detail shows of a payload, independent of React: the event as JSON (copied and
 * sent to the coach), the texts worth reading on their own (message, command output), and file
 * changes as diffs: Codex `apply_patch` envelopes as they are, Claude Code and Gemini CLI edit
 * tools (`old_string` → `new_string`) as a line diff, whole-file writes as code.
 */
import { diffLines } from 'diff'
import type { TimelineEventRow } from '~/collections/session-collections'

export type DiffLineKind = 'add' | 'remove' | 'context' | 'header'
export interface DiffLine {
  kind: DiffLineKind
  text: string
}

export type PayloadSection =
  | { kind: 'diff'; title: string; lines: DiffLine[] }
  | { kind: 'code'; title: string; code: string; language: string | null }
  | { kind: 'text'; title: string; text: string }

/** The event as people copy it: every column but the account, the number as the rows show it. */
export function eventJson(event: TimelineEventRow): string {
  return JSON.stringify(
    {
      number: event.ordinal + 1,
      ordinal: event.ordinal,
      sessionId: event.sessionId,
      type: event.type,
      role: event.role,
      at: event.at,
      name: event.name,
      command: event.command,
      commandFamily: event.commandFamily,
      sidechain: event.sidechain,
      path: event.path,
      exitCode: event.exitCode,
      durationMs: event.durationMs,
      summary: event.summary,
      payload: event.payload,
    },
    null,
    2,
  )
}

/** Long strings in the JSON sent to the coach are cut to this, so the prompt stays within its limit. */
const COACH_STRING_LIMIT = 4_000
const COACH_CONTENT_LIMIT = 90_000

function cutLongStrings(json: string) {
  return JSON.stringify(
    JSON.parse(json),
    (_key, value) =>
      typeof value === 'string' && value.length > COACH_STRING_LIMIT
        ? `${value.slice(0, COACH_STRING_LIMIT)}… (${(value.length - COACH_STRING_LIMIT).toLocaleString('en-US')} more characters)`
        : value,
    2,
  )
}

/**
 * The "add to coach" prompt of one event. `#N` is the event's own number (ordinal + 1), never its
 * position in a filtered list.
 */
export function coachPromptOf(event: TimelineEventRow): string {
  const full = eventJson(event)
  const json = full.length > COACH_CONTENT_LIMIT ? cutLongStrings(full) : full
  return `Analyze this timeline event #${event.ordinal + 1} (${event.type}):\n\n\`\`\`json\n${json}\n\`\`\`\n\nWhat are the implications of this event?`
}

const LANGUAGES_BY_EXTENSION: Record<string, string> = {
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  json: 'json',
  py: 'python',
  rs: 'rust',
  go: 'go',
  sh: 'bash',
  bash: 'bash',
  zsh: 'bash',
  css: 'css',
  html: 'xml',
  xml: 'xml',
  svg: 'xml',
  yml: 'yaml',
  yaml: 'yaml',
  md: 'markdown',
  sql: 'sql',
}

export function languageOfPath(path: string | null | undefined): string | null {
  const extension = path ? /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() : undefined
  return extension ? (LANGUAGES_BY_EXTENSION[extension] ?? null) : null
}

/** An `apply_patch` envelope, line by line: file headers, hunks, added, removed and kept lines. */
export function patchLines(patch: string): DiffLine[] {
  return patch
    .replace(/\n$/, '')
    .split('\n')
    .map((text): DiffLine => {
      if (text.startsWith('***') || text.startsWith('@@')) return { kind: 'header', text }
      if (text.startsWith('+')) return { kind: 'add', text }
      if (text.startsWith('-')) return { kind: 'remove', text }
      return { kind: 'context', text }
    })
}

/** `before` → `after` as a line diff with `+`/`-`/` ` prefixes. */
export function editLines(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = []
  for (const part of diffLines(before, after)) {
    const kind: DiffLineKind = part.added ? 'add' : part.removed ? 'remove' : 'context'
    const prefix = kind === 'add' ? '+' : kind === 'remove' ? '-' : ' '
    for (const text of part.value.replace(/\n$/, '').split('\n')) lines.push({ kind, text: `${prefix}${text}` })
  }
  return lines
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const stringOf = (value: unknown) => (typeof value === 'string' ? value : null)

function fileChangeSections(event: TimelineEventRow, payload: Record<string, unknown>): PayloadSection[] {
  const diff = stringOf(payload.diff)
  if (diff) return [{ kind: 'diff', title: 'Patch', lines: patchLines(diff) }]
  const args = isRecord(payload.args) ? payload.args : {}
  const path = stringOf(payload.path) ?? event.path
  const title = path ?? 'Change'
  const oldString = stringOf(args.old_string)
  const newString = stringOf(args.new_string)
  if (oldString !== null && newString !== null) return [{ kind: 'diff', title, lines: editLines(oldString, newString) }]
  if (Array.isArray(args.edits)) {
    return args.edits.filter(isRecord).map((edit, index) => ({
      kind: 'diff' as const,
      title: `${title} (edit ${index + 1} of ${(args.edits as unknown[]).length})`,
      lines: editLines(stringOf(edit.old_string) ?? '', stringOf(edit.new_string) ?? ''),
    }))
  }
  const content = stringOf(args.content)
  if (content !== null) return [{ kind: 'code', title, code: content, language: languageOfPath(path) }]
  return []
}

/** The parts of an event worth showing on their own, above the raw payload. */
export function payloadSections(event: TimelineEventRow): PayloadSection[] {
  const payload = isRecord(event.payload) ? event.payload : {}
  const sections: PayloadSection[] = []
  switch (event.type) {
    case 'Message':
    case 'Reasoning': {
      const content = stringOf(payload.content)
      if (content)
        sections.push({ kind: 'text', title: event.type === 'Message' ? 'Message' : 'Reasoning', text: content })
      break
    }
    case 'LocalShellCall': {
      if (event.command) sections.push({ kind: 'code', title: 'Command', code: event.command, language: 'bash' })
      const stdout = stringOf(payload.stdout) ?? stringOf(payload.output)
      const stderr = stringOf(payload.stderr)
      if (stdout) sections.push({ kind: 'text', title: 'Output', text: stdout })
      if (stderr) sections.push({ kind: 'text', title: 'Error output', text: stderr })
      break
    }
    case 'FileChange': {
      sections.push(...fileChangeSections(event, payload))
      const output = stringOf(payload.output) ?? stringOf(payload.result)
      if (output) sections.push({ kind: 'text', title: 'Output', text: output })
      break
    }
    default: {
      const output = stringOf(payload.output) ?? stringOf(payload.result)
      if (output) sections.push({ kind: 'text', title: 'Output', text: output })
    }
  }
  return sections
}
