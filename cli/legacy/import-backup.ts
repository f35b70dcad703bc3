/**
 * The safety copy taken inside the import transaction, before its first write: the input files
 * byte for byte, and every row of the account in the tables the import writes, one JSON array per
 * table. With it (and the database backup of the runbook) an operator can see or restore exactly
 * what existed before.
 */
import { constants } from 'node:fs'
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Executor } from '~/db/client'
import { JsonArrayFileWriter } from './json-array-writer'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from './legacy-files'
import { BACKED_UP_TABLES, type BackedUpTable, legacyRepository } from './legacy-repository'
import type { Progress } from './progress'
import { hashFile, LegacyFileError } from './read-json-array'

export class BackupFolderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BackupFolderError'
  }
}

export interface InputFileState {
  path: string
  missing: boolean
  sha256: string
  sizeBytes: number
}

export interface ImportBackup {
  path: string
  /** Copy of each input file that existed, to be read for the write pass. */
  copies: Partial<Record<LegacyKind, string>>
  tableRows: Record<BackedUpTable, number>
}

const PAGE_SIZE = 2000

/** `legacy-backup-2026-01-10T12-30-05-123Z`: sortable, and valid on every file system. */
export const defaultBackupFolderName = (now: Date) => `legacy-backup-${now.toISOString().replaceAll(/[:.]/g, '-')}`

/** Checked before the import starts, and again (creating it) right before copying. */
export async function ensureEmptyBackupFolder(path: string, { create }: { create: boolean }) {
  if (create) await mkdir(path, { recursive: true })
  const entries = await readdir(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw new BackupFolderError(`The backup folder ${path} cannot be used: ${error.message}`)
  })
  if (entries.length > 0) {
    throw new BackupFolderError(
      `The backup folder ${path} is not empty. Choose a new folder with --backup-dir, or leave it out.`,
    )
  }
}

export const fileChangedError = (kind: LegacyKind, path: string) =>
  new LegacyFileError(
    LEGACY_FILE_NAMES[kind],
    `${path} changed while the import was running (its sha256 is no longer the one that was validated). ` +
      'Stop whatever writes to it and run the import again.',
  )

export async function createImportBackup(
  tx: Executor,
  input: {
    path: string
    accountId: string
    files: Record<LegacyKind, InputFileState>
    /** Copies whose hash the caller checks while reading them anyway (saves a read of large files). */
    verifiedLater: readonly LegacyKind[]
    progress: Progress
  },
): Promise<ImportBackup> {
  await ensureEmptyBackupFolder(input.path, { create: true })
  const copies: Partial<Record<LegacyKind, string>> = {}
  for (const kind of LEGACY_KINDS) {
    const file = input.files[kind]
    if (file.missing) continue
    const copy = join(input.path, LEGACY_FILE_NAMES[kind])
    await copyFile(file.path, copy, constants.COPYFILE_EXCL)
    if (!input.verifiedLater.includes(kind) && (await hashFile(copy)).sha256 !== file.sha256) {
      throw fileChangedError(kind, file.path)
    }
    copies[kind] = copy
  }

  const databaseFolder = join(input.path, 'database')
  await mkdir(databaseFolder)
  const tableRows = {} as Record<BackedUpTable, number>
  for (const table of Object.keys(BACKED_UP_TABLES) as BackedUpTable[]) {
    const writer = new JsonArrayFileWriter(join(databaseFolder, `${table}.json`))
    let afterId: string | null = null
    for (;;) {
      const rows = await legacyRepository.pageAccountRows(tx, table, input.accountId, afterId, PAGE_SIZE)
      for (const row of rows) await writer.append(row)
      if (rows.length < PAGE_SIZE) break
      afterId = String(rows[rows.length - 1].id)
      input.progress.update(() => `Backing up ${table}: ${writer.written.toLocaleString('en-US')} rows`)
    }
    await writer.finish()
    tableRows[table] = writer.written
  }

  await writeFile(
    join(input.path, 'manifest.json'),
    JSON.stringify(
      {
        createdAt: new Date().toISOString(),
        accountId: input.accountId,
        files: LEGACY_KINDS.map((kind) => ({
          name: LEGACY_FILE_NAMES[kind],
          source: input.files[kind].path,
          missing: input.files[kind].missing,
          sha256: input.files[kind].sha256,
          sizeBytes: input.files[kind].sizeBytes,
        })),
        tables: tableRows,
        note: 'database/*.json hold the rows of this account before the import, as stored (one JSON array per table).',
      },
      null,
      2,
    ),
  )
  return { path: input.path, copies, tableRows }
}
