/**
 * `pnpm import:legacy`: reads the original product's three data files, plans every record's place
 * (import-planner.ts), then — in one transaction, after a backup — writes them (import-writer.ts).
 * The message and tool event files are streamed twice (plan, write), so their size does not bound
 * memory.
 */
import { randomUUID } from 'node:crypto'
import { stat, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Database, Executor } from '~/db/client'
import { ensureLocalOwner } from '~/server/repositories/accounts-repository'
import type { ImportOptions } from './cli-options'
import {
  createImportBackup,
  defaultBackupFolderName,
  ensureEmptyBackupFolder,
  type InputFileState,
} from './import-backup'
import { type ExistingLegacyState, type ImportPlan, LegacyImportPlanner, NO_EXISTING_STATE } from './import-planner'
import { type ImportReport, ImportReportBuilder } from './import-report'
import { writeImportPlan } from './import-writer'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from './legacy-files'
import { legacyRepository } from './legacy-repository'
import { compareWithPreviousImport, type PreviousImport, sameFilesAsBefore } from './previous-import'
import { formatMegabytes, type Progress, silentProgress } from './progress'
import { hashFile, LegacyFileError, readJsonArrayFile } from './read-json-array'
import { findNamedAccount } from './target-account'

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

export type LegacyImportResult =
  | { status: 'imported'; accountId: string; report: ImportReport; backupPath: string; merged: boolean; runId: string }
  | { status: 'nothing-to-do'; accountId: string; previous: PreviousImport }
  | { status: 'refused'; accountId: string; previous: PreviousImport }
  | { status: 'invalid-records'; report: ImportReport }
  | {
      status: 'dry-run'
      accountId: string | undefined
      report: ImportReport
      /** What a real run would do instead of importing, if anything. */
      wouldStop?: 'invalid-records' | 'refused' | 'nothing-to-do'
      previous?: PreviousImport
    }

export interface LegacyImportContext {
  /** Absent only for a dry run without DATABASE_URL, which plans against an empty database. */
  db?: Database
  progress?: Progress
  now?: () => Date
}

const count = (n: number) => n.toLocaleString('en-US')

async function resolveAccount(db: Database | undefined, options: ImportOptions): Promise<string | undefined> {
  if (options.account) {
    if (!db) throw new ImportSetupError('--account needs DATABASE_URL, to check that the account exists.')
    const lookup = await findNamedAccount(db, options.account)
    if (!lookup.found) throw new ImportSetupError(lookup.problem)
    return lookup.accountId
  }
  // Read-only: a missing owner is created inside the write transaction, so an aborted run leaves no trace.
  return db ? legacyRepository.findLocalOwnerAccountId(db) : undefined
}

async function hashInputFiles(dataDir: string): Promise<Record<LegacyKind, InputFileState>> {
  const info = await stat(dataDir).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new ImportSetupError(
      `The data folder ${dataDir} does not exist. Point --data-dir at the folder holding the legacy chat-*.json files.`,
    )
  }
  const files = {} as Record<LegacyKind, InputFileState>
  for (const kind of LEGACY_KINDS) {
    const path = join(dataDir, LEGACY_FILE_NAMES[kind])
    files[kind] = { path, ...(await hashFile(path)) }
  }
  return files
}

/** The planning pass: every record of every file is validated and placed; nothing is written. */
async function readAndValidate(
  files: Record<LegacyKind, InputFileState>,
  options: ImportOptions,
  progress: Progress,
): Promise<{ report: ImportReportBuilder; planner: LegacyImportPlanner }> {
  const report = new ImportReportBuilder()
  const planner = new LegacyImportPlanner(report, { skipInvalid: options.skipInvalid })
  for (const kind of LEGACY_KINDS) {
    const file = files[kind]
    const summary = await readJsonArrayFile(
      file.path,
      (raw, index, facts) => planner.accept(kind, raw, index, facts),
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
    report.fileRead(kind, summary)
  }
  return { report, planner }
}

async function loadExistingState(
  db: Executor,
  accountId: string,
  planner: LegacyImportPlanner,
): Promise<ExistingLegacyState> {
  const sessionKeys = planner.sessionKeys()
  const threads = await legacyRepository.findExistingThreads(db, accountId, sessionKeys)
  const placedOrphans = await legacyRepository.findMessageThreads(db, accountId, planner.messagesWithoutThread())
  const messages = await legacyRepository.findExistingMessages(db, accountId, sessionKeys)
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
  if (!db && !options.dryRun) throw new ImportSetupError('Importing needs DATABASE_URL.')
  const dataDir = resolve(options.dataDir)
  const files = await hashInputFiles(dataDir)
  const accountId = await resolveAccount(db, options)
  const previous = compareWithPreviousImport(
    db && accountId ? await legacyRepository.findLatestImportRun(db, accountId) : [],
    files,
  )
  if (sameFilesAsBefore(previous)) {
    // Stop before parsing anything: a repeated run is quick and changes nothing.
    const report = new ImportReportBuilder().report
    if (options.dryRun) return { status: 'dry-run', accountId, report, wouldStop: 'nothing-to-do', previous }
    return { status: 'nothing-to-do', accountId: accountId as string, previous: previous as PreviousImport }
  }
  const refused = previous !== undefined && !options.forceMerge
  if (refused && !options.dryRun) return { status: 'refused', accountId: accountId as string, previous }

  const { report, planner } = await readAndValidate(files, options, progress)
  if (!db) report.note('No DATABASE_URL: planned against an empty database.')
  else if (!accountId)
    report.note('The local owner does not exist yet; the import creates it and imports into its account.')
  const invalid = report.report.invalid.length > 0 && !options.skipInvalid
  if (invalid && !options.dryRun) return { status: 'invalid-records', report: report.report }

  const plan = planner.finish(db && accountId ? await loadExistingState(db, accountId, planner) : NO_EXISTING_STATE)
  if (options.dryRun) {
    const wouldStop = invalid ? 'invalid-records' : refused ? 'refused' : undefined
    return { status: 'dry-run', accountId, report: report.report, wouldStop, previous }
  }
  return commitImport(db as Database, {
    options,
    dataDir,
    files,
    accountId,
    previous,
    plan,
    report,
    progress,
    now: context.now,
  })
}

/** Backup, then every write, in one transaction; the run is recorded in `legacy_imports` last. */
async function commitImport(
  db: Database,
  input: {
    options: ImportOptions
    dataDir: string
    files: Record<LegacyKind, InputFileState>
    accountId: string | undefined
    previous: PreviousImport | undefined
    plan: ImportPlan
    report: ImportReportBuilder
    progress: Progress
    now?: () => Date
  },
): Promise<LegacyImportResult> {
  const { files, previous, plan, report, progress } = input
  const startedAt = (input.now ?? (() => new Date()))()
  const backupPath = resolve(input.options.backupDir ?? join(input.dataDir, defaultBackupFolderName(startedAt)))
  await ensureEmptyBackupFolder(backupPath, { create: false })
  // After an earlier import, rows are matched by id (upsert) and seq is renumbered afterwards.
  const merge = previous !== undefined || plan.mergeIntoExisting
  const runId = randomUUID()
  let accountId = input.accountId as string
  let backupTaken = false
  try {
    await db.transaction(async (tx) => {
      await legacyRepository.lockImports(tx)
      accountId = input.accountId ?? (await ensureLocalOwner(tx)).account.id
      const latest = await legacyRepository.findLatestImportRun(tx, accountId)
      if ((latest[0]?.runId ?? null) !== (previous?.runId ?? null)) {
        throw new ImportSetupError(
          'Another import into this account finished while this one was being prepared. Run the import again.',
        )
      }
      const backup = await createImportBackup(tx, {
        path: backupPath,
        accountId,
        files,
        verifiedLater: ['messages', 'toolEvents'],
        progress,
      })
      backupTaken = true
      await writeImportPlan(tx, { accountId, plan, merge, copies: backup.copies, files, progress })
      await legacyRepository.recordImportRun(
        tx,
        LEGACY_KINDS.map((kind) => {
          const { file, missing, sha256, sizeBytes, ...counts } = report.report.files[kind]
          return {
            runId,
            accountId,
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
    await writeFile(join(backupPath, 'import-report.json'), JSON.stringify(report.report, null, 2))
  } catch (error) {
    report.note(`The import is complete, but its full report could not be saved: ${(error as Error).message}`)
  }
  return { status: 'imported', accountId, report: report.report, backupPath, merged: merge, runId }
}
