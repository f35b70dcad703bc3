/**
 * The write pass of the import, inside its transaction: sessions, threads, then the message and
 * tool event files streamed again from the backup copies and written in batches as planned.
 */
import type { Executor } from '~/db/client'
import { fileChangedError, type InputFileState } from './import-backup'
import type { ImportPlan } from './import-planner'
import { LEGACY_FILE_NAMES, type LegacyKind } from './legacy-files'
import { toStorableRecord } from './legacy-records'
import {
  type LegacyMessageRow,
  type LegacyThreadRow,
  type LegacyToolEventRow,
  legacyRepository,
  SEQ_MERGE_OFFSET,
} from './legacy-repository'
import type { Progress } from './progress'
import { LegacyFileError, readJsonArrayFile } from './read-json-array'

/**
 * A batch is sent as one JSON string, kept under V8's large-object threshold (128 kB): larger
 * strings go to the large-object space, which only full collections free. On the 100k-message
 * benchmark, 500-row batches peaked at 300–380 MB RSS, these at 275–315 MB (and about 1.5 s slower).
 */
const BATCH_MAX_BYTES = 100_000
const BATCH_MAX_ROWS = 1000
/** Rough serialized sizes (ids, keys, timestamps); measuring each row would cost a second stringify. */
const MESSAGE_ROW_OVERHEAD = 250
const TOOL_EVENT_SIZE_ESTIMATE = 400
/** Text beyond Latin-1 makes V8 store the whole batch string with two bytes per character. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/
const THREAD_BATCH_ROWS = 2000
/** Batches written while the next is parsed; more would only queue in memory (Postgres is the bottleneck). */
const WRITES_IN_FLIGHT = 1

export interface WriteInput {
  accountId: string
  plan: ImportPlan
  /** Rows may already exist (an earlier import): upsert by id, then renumber seq and recount threads. */
  merge: boolean
  /** Backup copies of the input files, read instead of the originals. */
  copies: Partial<Record<LegacyKind, string>>
  files: Record<LegacyKind, InputFileState>
  progress: Progress
}

/** `{v: value}` keeps a JSON null apart from an absent field (SQL NULL). */
const box = (value: unknown) => (value === undefined ? null : { v: value })
/**
 * Records are looked up by id and array position: only those the planning pass accepted (valid,
 * first of their id) have a placement.
 */
const idOf = (raw: unknown) => String((raw as { id?: unknown } | null)?.id)
const count = (n: number) => n.toLocaleString('en-US')

export async function writeImportPlan(tx: Executor, input: WriteInput) {
  const { accountId, plan, merge } = input
  const bulkLoad = await legacyRepository.beginBulkLoad(tx)
  const sessionIds = await legacyRepository.ensureLegacySessions(tx, accountId, plan.sessions)
  const sessionId = (key: string) => sessionIds.get(key) as string
  await legacyRepository.archiveThreads(tx, accountId, plan.existingThreadsToArchive)

  const threadRows: LegacyThreadRow[] = plan.threads.map((thread) => ({
    id: thread.id,
    session_id: sessionId(thread.sessionKey),
    mode: thread.mode,
    title: thread.title,
    status: thread.status,
    message_count: thread.messageCount,
    last_message_preview: thread.lastMessagePreview,
    last_message_at: thread.lastMessageAt,
    created_at: thread.createdAt,
    updated_at: thread.updatedAt,
  }))
  // Archived first: an active thread may take over from one that this same import archives.
  threadRows.sort((a, b) => Number(a.status === 'active') - Number(b.status === 'active'))
  for (let start = 0; start < threadRows.length; start += THREAD_BATCH_ROWS) {
    await legacyRepository.writeThreads(tx, accountId, threadRows.slice(start, start + THREAD_BATCH_ROWS), merge)
  }

  const seqBase = merge ? 2 * SEQ_MERGE_OFFSET : 0
  await writeFileInBatches(input, 'messages', {
    planned: plan.messages.size,
    toRow(raw, index) {
      const placement = plan.messages.get(idOf(raw))
      if (!placement || placement.index !== index) return undefined
      const message = toStorableRecord('messages', raw as Record<string, unknown>).record
      const row: LegacyMessageRow = {
        id: message.id,
        thread_id: placement.threadId,
        session_id: sessionId(placement.sessionKey),
        mode: placement.mode,
        role: message.role,
        content: message.content,
        seq: seqBase + placement.seq,
        client_message_id: placement.dropClientMessageId ? null : (message.clientMessageId ?? null),
        misalignment_id: message.misalignmentId ?? null,
        evidence: box(message.evidence),
        context_events: box(message.contextEvents),
        created_at: message.createdAt,
        updated_at: message.updatedAt,
      }
      return {
        row,
        size: message.content.length + MESSAGE_ROW_OVERHEAD,
        twoByte: BEYOND_LATIN1.test(message.content),
      }
    },
    write: (rows) => legacyRepository.writeMessages(tx, accountId, rows, merge),
  })

  await writeFileInBatches(input, 'toolEvents', {
    planned: plan.toolEvents.size,
    toRow(raw, index) {
      const placement = plan.toolEvents.get(idOf(raw))
      if (!placement || placement.index !== index) return undefined
      const event = toStorableRecord('toolEvents', raw as Record<string, unknown>).record
      const row: LegacyToolEventRow = {
        id: event.id,
        session_id: sessionId(event.sessionId),
        thread_id: placement.threadId,
        tool_call_id: event.toolCallId,
        tool_name: event.toolName,
        status: event.status,
        arguments: box(event.arguments),
        result: box(event.result),
        error: event.error ?? null,
        started_at: event.startedAt,
        completed_at: event.completedAt ?? null,
        latency_ms: event.latencyMs ?? null,
        context_events: box(event.contextEvents),
      }
      return { row, size: TOOL_EVENT_SIZE_ESTIMATE, twoByte: false }
    },
    write: (rows) => legacyRepository.writeToolEvents(tx, accountId, rows, merge),
  })

  if (merge) await legacyRepository.renumberMessagesAndRecountThreads(tx, [...sessionIds.values()])
  if (bulkLoad) {
    const broken = await legacyRepository.verifyReferencesAfterBulkLoad(tx, accountId)
    if (broken.length > 0) {
      // A planning bug, never bad input: the planner resolves every reference before writing.
      throw new Error(`the import would leave rows pointing at missing rows (${broken.join('; ')})`)
    }
  }
}

async function writeFileInBatches<Row>(
  input: WriteInput,
  kind: LegacyKind,
  how: {
    planned: number
    toRow: (raw: unknown, index: number) => { row: Row; size: number; twoByte: boolean } | undefined
    write: (rows: Row[]) => Promise<void>
  },
) {
  const path = input.copies[kind]
  if (!path) return
  let batch: Row[] = []
  let batchChars = 0
  let batchTwoByte = false
  let written = 0
  // The next batch is parsed while one is written, so Node and Postgres work at the same time.
  const inFlight: Promise<void>[] = []
  const flush = async () => {
    if (batch.length === 0) return
    const rows = batch
    batch = []
    batchChars = 0
    batchTwoByte = false
    while (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift()
    const writing = how.write(rows).then(() => {
      written += rows.length
      input.progress.update(
        () => `Writing ${LEGACY_FILE_NAMES[kind]}: ${count(written)} of ${count(how.planned)} records`,
      )
    })
    // Marked handled: a failure is rethrown when its turn to be awaited comes.
    writing.catch(() => {})
    inFlight.push(writing)
  }
  const summary = await readJsonArrayFile(path, async (raw, index) => {
    const converted = how.toRow(raw, index)
    if (!converted) return
    batch.push(converted.row)
    batchChars += converted.size
    batchTwoByte ||= converted.twoByte
    const bytes = batchTwoByte ? 2 * batchChars : batchChars
    if (batch.length >= BATCH_MAX_ROWS || bytes >= BATCH_MAX_BYTES) await flush()
  })
  await flush()
  for (const writing of inFlight) await writing
  if (summary.sha256 !== input.files[kind].sha256) throw fileChangedError(kind, path)
  if (written !== how.planned) {
    throw new LegacyFileError(
      LEGACY_FILE_NAMES[kind],
      `Wrote ${written} records from ${path} but planned ${how.planned}; the file changed. Nothing was imported.`,
    )
  }
}
