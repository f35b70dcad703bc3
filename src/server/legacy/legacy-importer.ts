/**
 * `pnpm import:legacy`: reads the original product's three data files, plans every record's place
 * (import-planner.ts), then — in one transaction, after a backup — writes them. The message and
 * tool event files are streamed twice (plan, write) so their size does not bound memory.
 */
import { randomUUID } from 'node:crypto'
import { stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Database, Executor } from '../../db/client'
import { ensureLocalOwner, findAccount } from '../repositories/accounts-repository'
import {
  type ImportRunFile,
  type LegacyMessageRow,
  type LegacyThreadRow,
  type LegacyToolEventRow,
  legacyRepository,
  SEQ_MERGE_OFFSET,
} from '../repositories/legacy-repository'
import { createImportBackup, defaultBackupFolderName, type InputFileState } from './import-backup'
import { type ImportPlan, LegacyImportPlanner, NO_EXISTING_STATE, type ExistingLegacyState } from './import-planner'
import { type ImportReport, ImportReportBuilder } from './import-report'
import type { ImportOptions } from './cli-options'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from './legacy-files'
import { validateLegacyRecord } from './legacy-records'
import { formatMegabytes, type Progress, silentProgress } from './progress'
import { hashFile, LegacyFileError, readJsonArrayFile } from './read-json-array'

/** A problem with how the import was called (exit status 2): bad folder, unknown account. */
export class ImportSetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ImportSetupError'
  }
}

/** The write transaction failed and was rolled back; the cause is kept for the message. */
export class ImportRolledBackError extends Error {
  constructor(
    readonly cause: unknown,
    readonly backupPath: string | undefined,
  ) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)}\n` +
        'The transaction was rolled back: nothing was written to the database.' +
        (backupPath ? ` The backup taken before writing is kept in ${backupPath}.` : ''),
    )
    this.name = 'ImportRolledBackError'
  }
}

export interface FileComparison {
  file: string
  before: { missing: boolean; sha256: string; sizeBytes: number } | undefined
  now: { missing: boolean; sha256: string; sizeBytes: number }
  changed: boolean
}

export interface PreviousImport {
  runId: string
  finishedAt: Date | null
  mode: 'import' | 'force-merge'
  backupPath: string | null
  files: FileComparison[]
}

export type LegacyImportResult =
  | { status: 'imported'; accountId: string; report: ImportReport; backupPath: string; merged: boolean; runId: string }
  | { status: 'nothing-to-do'; accountId: string; previous: PreviousImport }
  | { status: 'refused'; accountId: string; previous: PreviousImport }
  | { status: 'invalid-records'; report: ImportReport }
  | {
      status: 'dry-run'
      accountId: string | undefined
      report: ImportReport
      /** What the real run would do instead of importing, if anything. */
      wouldStop?: 'invalid-records' | 'refused' | 'nothing-to-do'
      previous?: PreviousImport
    }

export interface LegacyImportContext {
  /** Absent only for a dry run without DATABASE_URL, which plans against an empty database. */
  db?: Database
  progress?: Progress
  now?: () => Date
}

const MESSAGE_BATCH_ROWS = 500
const TOOL_EVENT_BATCH_ROWS = 500
/** Flush earlier when a batch carries large contents, to bound memory and parameter size. */
const BATCH_MAX_CHARS = 8_000_000
const THREAD_BATCH_ROWS = 2000

const box = (value: unknown) => (value === undefined ? null : { v: value })
const count = (n: number) => n.toLocaleString('en-US')

async function resolveAccount(db: Database | undefined, options: ImportOptions): Promise<string | undefined> {
  if (options.accountId) {
    if (!db) throw new ImportSetupError('--account needs DATABASE_URL, to check that the account exists.')
    if (!(await findAccount(db, options.accountId))) {
      throw new ImportSetupError(
        `No account has the id ${options.accountId}. Leave --account out to import into the local owner's account.`,
      )
    }
    return options.accountId
  }
  // Read-only: a missing owner is created inside the write transaction, so an aborted run leaves no trace.
  return db ? legacyRepository.findLocalOwnerAccountId(db) : undefined
}

async function requireDirectory(path: string) {
  const info = await stat(path).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new ImportSetupError(
      `The data folder ${path} does not exist. Point --data-dir at the folder holding the legacy chat-*.json files.`,
    )
  }
}

function comparePrevious(
  previousRun: ImportRunFile[],
  files: Record<LegacyKind, InputFileState>,
): PreviousImport | undefined {
  if (previousRun.length === 0) return undefined
  const first = previousRun[0]
  return {
    runId: first.runId,
    finishedAt: first.finishedAt,
    mode: first.mode,
    backupPath: first.backupPath,
    files: LEGACY_KINDS.map((kind) => {
      const earlier = previousRun.find((file) => file.fileName === LEGACY_FILE_NAMES[kind])
      const now = { missing: files[kind].missing, sha256: files[kind].sha256, sizeBytes: files[kind].sizeBytes }
      const before = earlier && {
        missing: Boolean((earlier.counts as { missing?: boolean } | null)?.missing),
        sha256: earlier.sha256,
        sizeBytes: earlier.sizeBytes,
      }
      return { file: LEGACY_FILE_NAMES[kind], before, now, changed: before?.sha256 !== now.sha256 }
    }),
  }
}

async function loadExistingState(
  db: Executor,
  accountId: string,
  planner: LegacyImportPlanner,
): Promise<ExistingLegacyState> {
  const sessionKeys = planner.sessionKeys()
  const [threads, placedOrphans, messages] = [
    await legacyRepository.findExistingThreads(db, accountId, sessionKeys),
    await legacyRepository.findMessageThreads(db, accountId, planner.messagesWithoutThread()),
    await legacyRepository.findExistingMessages(db, accountId, sessionKeys),
  ]
  return {
    threads: threads.map((t) => ({
      id: t.id,
      sessionKey: t.source_key,
      mode: t.mode,
      status: t.status,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
    })),
    placedOrphans,
    clientMessageIds: messages.clientMessageIds,
    hasMessages: messages.hasMessages,
  }
}

export async function importLegacyData(
  options: ImportOptions,
  context: LegacyImportContext,
): Promise<LegacyImportResult> {
  const { db } = context
  const progress = context.progress ?? silentProgress
  const now = context.now ?? (() => new Date())
  if (!db && !options.dryRun) throw new ImportSetupError('Importing needs DATABASE_URL.')
  const dataDir = resolve(options.dataDir)
  await requireDirectory(dataDir)
  const accountId = await resolveAccount(db, options)

  const files = {} as Record<LegacyKind, InputFileState>
  for (const kind of LEGACY_KINDS) {
    const path = join(dataDir, LEGACY_FILE_NAMES[kind])
    files[kind] = { path, ...(await hashFile(path)) }
  }
  const previous = comparePrevious(
    db && accountId ? await legacyRepository.findLatestImportRun(db, accountId) : [],
    files,
  )
  if (previous && previous.files.every((file) => !file.changed)) {
    // Identical files: stop before parsing anything, so a repeated run is quick and changes nothing.
    if (!options.dryRun) return { status: 'nothing-to-do', accountId: accountId as string, previous }
    return {
      status: 'dry-run',
      accountId,
      report: new ImportReportBuilder().report,
      wouldStop: 'nothing-to-do',
      previous,
    }
  }
  const refused = previous !== undefined && !options.forceMerge
  if (refused && !options.dryRun) return { status: 'refused', accountId: accountId as string, previous }

  const builder = new ImportReportBuilder()
  const planner = new LegacyImportPlanner(builder, { skipInvalid: options.skipInvalid })
  for (const kind of LEGACY_KINDS) {
    const file = files[kind]
    const summary = await readJsonArrayFile(
      file.path,
      (raw, index) => planner.accept(kind, raw, index),
      ({ bytesRead, totalBytes, records }) =>
        progress.update(
          () =>
            `Reading ${LEGACY_FILE_NAMES[kind]}: ${formatMegabytes(bytesRead)} of ${formatMegabytes(totalBytes)}, ${count(records)} records`,
        ),
    )
    if (summary.sha256 !== file.sha256) {
      throw new LegacyFileError(
        LEGACY_FILE_NAMES[kind],
        `${file.path} changed while it was being read. Stop whatever writes to it and run the import again.`,
      )
    }
    builder.fileRead(kind, summary)
  }
  if (!db) builder.note('No DATABASE_URL: planned against an empty database.')
  else if (!accountId)
    builder.note('The local owner does not exist yet; the import creates it and imports into its account.')

  const invalid = builder.report.invalid.length > 0 && !options.skipInvalid
  if (invalid && !options.dryRun) return { status: 'invalid-records', report: builder.report }

  const existing = db && accountId ? await loadExistingState(db, accountId, planner) : NO_EXISTING_STATE
  const plan = planner.finish(existing)
  if (options.dryRun) {
    return {
      status: 'dry-run',
      accountId,
      report: builder.report,
      wouldStop: invalid ? 'invalid-records' : refused ? 'refused' : undefined,
      previous,
    }
  }

  const startedAt = now()
  const backupPath = resolve(options.backupDir ?? join(dataDir, defaultBackupFolderName(startedAt)))
  const runId = randomUUID()
  let account = accountId as string
  let backupTaken = false
  try {
    await (db as Database).transaction(async (tx) => {
      await legacyRepository.lockImports(tx)
      account = accountId ?? (await ensureLocalOwner(tx)).account.id
      const latest = await legacyRepository.findLatestImportRun(tx, account)
      if ((latest[0]?.runId ?? null) !== (previous?.runId ?? null)) {
        throw new ImportSetupError(
          'Another import into this account finished while this one was being prepared. Run the import again.',
        )
      }
      const backup = await createImportBackup(tx, { path: backupPath, accountId: account, files, progress })
      backupTaken = true
      await writePlan(tx, account, plan, backup.copies, progress)
      await legacyRepository.recordImportRun(
        tx,
        LEGACY_KINDS.map((kind) => {
          const { file, missing, sha256, sizeBytes, ...counts } = builder.report.files[kind]
          return {
            runId,
            accountId: account,
            fileName: file,
            sha256,
            sizeBytes,
            counts: { ...counts, missing },
            mode: previous ? ('force-merge' as const) : ('import' as const),
            backupPath,
            startedAt,
          }
        }),
      )
    })
  } catch (error) {
    throw new ImportRolledBackError(error, backupTaken ? backupPath : undefined)
  }
  try {
    await writeFile(join(backupPath, 'import-report.json'), JSON.stringify(builder.report, null, 2))
  } catch (error) {
    builder.note(
      `The import is complete, but its full report could not be saved in the backup folder: ${(error as Error).message}`,
    )
  }
  return {
    status: 'imported',
    accountId: account,
    report: builder.report,
    backupPath,
    merged: plan.mergeIntoExisting,
    runId,
  }
}

async function writePlan(
  tx: Executor,
  accountId: string,
  plan: ImportPlan,
  copies: Partial<Record<LegacyKind, string>>,
  progress: Progress,
) {
  const merge = plan.mergeIntoExisting
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
  // Archived first: an active thread may replace one that this same import archives.
  threadRows.sort((a, b) => Number(a.status === 'active') - Number(b.status === 'active'))
  for (let start = 0; start < threadRows.length; start += THREAD_BATCH_ROWS) {
    await legacyRepository.writeThreads(tx, accountId, threadRows.slice(start, start + THREAD_BATCH_ROWS), merge)
  }

  const seqBase = merge ? 2 * SEQ_MERGE_OFFSET : 0
  await writeFileInBatches(
    copies.messages,
    'messages',
    plan.messages.size,
    MESSAGE_BATCH_ROWS,
    progress,
    (raw, index) => {
      const validation = validateLegacyRecord('messages', raw)
      if (validation.outcome !== 'valid') return undefined
      const message = validation.record
      const placement = plan.messages.get(message.id)
      if (!placement || placement.index !== index) return undefined
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
      return { row, size: message.content.length }
    },
    (rows) => legacyRepository.writeMessages(tx, accountId, rows, merge),
  )

  await writeFileInBatches(
    copies.toolEvents,
    'toolEvents',
    plan.toolEvents.size,
    TOOL_EVENT_BATCH_ROWS,
    progress,
    (raw, index) => {
      const validation = validateLegacyRecord('toolEvents', raw)
      if (validation.outcome !== 'valid') return undefined
      const event = validation.record
      const placement = plan.toolEvents.get(event.id)
      if (!placement || placement.index !== index) return undefined
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
      // Sizing by the serialized payload would cost a second stringify; results are rarely large.
      return { row, size: 1000 }
    },
    (rows) => legacyRepository.writeToolEvents(tx, accountId, rows, merge),
  )

  if (plan.mergeIntoExisting) await legacyRepository.renumberMessagesAndRecountThreads(tx, [...sessionIds.values()])
}

async function writeFileInBatches<Row>(
  path: string | undefined,
  kind: LegacyKind,
  expected: number,
  batchRows: number,
  progress: Progress,
  toRow: (raw: unknown, index: number) => { row: Row; size: number } | undefined,
  write: (rows: Row[]) => Promise<void>,
) {
  if (!path) return
  let batch: Row[] = []
  let batchSize = 0
  let written = 0
  // One batch is written while the next is parsed: Node and Postgres then work on both cores.
  let inFlight: Promise<void> = Promise.resolve()
  const flush = async () => {
    if (batch.length === 0) return
    const rows = batch
    batch = []
    batchSize = 0
    await inFlight
    inFlight = write(rows).then(() => {
      written += rows.length
      progress.update(() => `Writing ${LEGACY_FILE_NAMES[kind]}: ${count(written)} of ${count(expected)} records`)
    })
    // Handled here so a failure waiting for the next flush is not reported as unhandled.
    inFlight.catch(() => {})
  }
  await readJsonArrayFile(path, async (raw, index) => {
    const converted = toRow(raw, index)
    if (!converted) return
    batch.push(converted.row)
    batchSize += converted.size
    if (batch.length >= batchRows || batchSize >= BATCH_MAX_CHARS) await flush()
  })
  await flush()
  await inFlight
  if (written !== expected) {
    throw new LegacyFileError(
      LEGACY_FILE_NAMES[kind],
      `Wrote ${written} records from ${path} but planned ${expected}; the file changed. Nothing was imported.`,
    )
  }
}
