/**
 * What an import read, imported, skipped and fixed, per file and per kind of fix. Every entry names
 * the file, the record's position in the array and its id, so an operator can find it in the input.
 */
import { LEGACY_FILE_NAMES, LEGACY_KINDS, LEGACY_RECORD_NOUNS, type LegacyKind } from './legacy-files'
import type { RecordRepairKind } from './legacy-records'

export const FIX_DESCRIPTIONS = {
  'nul-replaced': 'U+0000 replaced by U+FFFD (Postgres text and jsonb cannot store NUL)',
  'invalid-surrogate-replaced': 'unpaired UTF-16 surrogate replaced by U+FFFD (it has no UTF-8 form)',
  'invalid-utf8-replaced':
    'bytes that are not valid UTF-8 decoded as U+FFFD (the original bytes stay in the backup copy)',
  'unknown-fields-dropped': 'fields the original product never wrote were dropped',
  'timestamp-normalized': 'timestamp rewritten in the canonical form YYYY-MM-DDTHH:mm:ss.sssZ',
  'absent-field-set-to-null': 'threadId/toolCallId absent on a tool event, stored as null',
  'thread-assigned': 'message without threadId joined the active thread of its session and mode',
  'thread-created': 'thread created for messages without threadId (their session and mode had no active thread)',
  'thread-recreated': 'thread named by messages but absent from chat-threads.json, recreated as archived',
  'thread-archived': 'one more active thread for a session and mode, archived (the most recently updated stays active)',
  'existing-thread-archived':
    'thread already in the database archived because an imported thread of its session and mode is active',
  'thread-counters-recomputed':
    'messageCount / lastMessagePreview / lastMessageAt recomputed from the imported messages',
  'message-aligned-with-thread': "message sessionId/mode differed from its thread's; the thread's are used",
  'client-message-id-cleared': 'clientMessageId repeated within one thread; only the earliest message keeps it',
  'tool-event-thread-cleared': 'tool event threadId names no thread; stored as null',
} as const satisfies Record<RecordRepairKind, string> & Record<string, string>

export type FixKind = keyof typeof FIX_DESCRIPTIONS

export type SkipReason = 'missing-id' | 'duplicate-id' | 'invalid'

export interface FixEntry {
  kind: FixKind
  file: string
  /** Position in the file's array; absent for records the import created or found in the database. */
  index?: number
  id: string
  detail: string
}

export interface SkipEntry {
  reason: SkipReason
  /** e.g. "duplicate message id", "message without id" */
  label: string
  file: string
  index: number
  id?: string
  detail?: string
}

export interface InvalidEntry {
  file: string
  index: number
  id?: string
  reason: string
}

export interface FileReport {
  file: string
  missing: boolean
  sha256: string
  sizeBytes: number
  /** Array elements read. */
  read: number
  /** Records written (or that a real run would write). */
  imported: number
  /** Records the import made that were not in the file (threads for messages without one). */
  created: number
  skipped: Record<SkipReason, number>
  /** Distinct records with at least one fix. */
  fixedRecords: number
  fixes: Partial<Record<FixKind, number>>
}

export interface ImportReport {
  files: Record<LegacyKind, FileReport>
  fixes: FixEntry[]
  skips: SkipEntry[]
  invalid: InvalidEntry[]
  notes: string[]
}

const emptyFileReport = (kind: LegacyKind): FileReport => ({
  file: LEGACY_FILE_NAMES[kind],
  missing: false,
  sha256: '',
  sizeBytes: 0,
  read: 0,
  imported: 0,
  created: 0,
  skipped: { 'missing-id': 0, 'duplicate-id': 0, invalid: 0 },
  fixedRecords: 0,
  fixes: {},
})

export class ImportReportBuilder {
  readonly report: ImportReport = {
    files: {
      threads: emptyFileReport('threads'),
      messages: emptyFileReport('messages'),
      toolEvents: emptyFileReport('toolEvents'),
    },
    fixes: [],
    skips: [],
    invalid: [],
    notes: [],
  }
  private readonly fixedIds: Record<LegacyKind, Set<string>> = {
    threads: new Set(),
    messages: new Set(),
    toolEvents: new Set(),
  }

  fileRead(kind: LegacyKind, summary: { missing: boolean; sha256: string; sizeBytes: number; read: number }) {
    Object.assign(this.report.files[kind], summary)
  }

  fix(kind: LegacyKind, entry: Omit<FixEntry, 'file'>) {
    const file = this.report.files[kind]
    this.report.fixes.push({ ...entry, file: file.file })
    file.fixes[entry.kind] = (file.fixes[entry.kind] ?? 0) + 1
    if (!this.fixedIds[kind].has(entry.id)) {
      this.fixedIds[kind].add(entry.id)
      file.fixedRecords++
    }
  }

  skip(kind: LegacyKind, entry: { reason: SkipReason; index: number; id?: string; detail?: string }) {
    const noun = LEGACY_RECORD_NOUNS[kind]
    const label =
      entry.reason === 'missing-id'
        ? `${noun} without id`
        : entry.reason === 'duplicate-id'
          ? `duplicate ${noun} id`
          : `invalid ${noun}`
    const file = this.report.files[kind]
    this.report.skips.push({ ...entry, label, file: file.file })
    file.skipped[entry.reason]++
  }

  invalid(kind: LegacyKind, entry: { index: number; id?: string; reason: string }) {
    this.report.invalid.push({ ...entry, file: this.report.files[kind].file })
  }

  imported(kind: LegacyKind, count: number) {
    this.report.files[kind].imported = count
  }

  created(kind: LegacyKind) {
    this.report.files[kind].created++
  }

  note(line: string) {
    this.report.notes.push(line)
  }
}

export function totalFixes(report: ImportReport) {
  return LEGACY_KINDS.reduce((sum, kind) => sum + report.files[kind].fixedRecords, 0)
}
