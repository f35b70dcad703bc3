/** How the files at hand compare with the ones an earlier import read (`legacy_imports`). */

import type { InputFileState } from './import-backup'
import { LEGACY_FILE_NAMES, LEGACY_KINDS, type LegacyKind } from './legacy-files'
import type { ImportRunFile } from './legacy-repository'

export interface FileState {
  missing: boolean
  sha256: string
  sizeBytes: number
}

export interface FileComparison {
  file: string
  /** Absent when the earlier import did not record this file. */
  before: FileState | undefined
  now: FileState
  changed: boolean
}

export interface PreviousImport {
  runId: string
  finishedAt: Date | null
  mode: 'import' | 'force-merge'
  backupPath: string | null
  files: FileComparison[]
}

export function compareWithPreviousImport(
  previousRun: ImportRunFile[],
  files: Record<LegacyKind, InputFileState>,
): PreviousImport | undefined {
  if (previousRun.length === 0) return undefined
  const [first] = previousRun
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

export const sameFilesAsBefore = (previous: PreviousImport | undefined) =>
  previous?.files.every((file) => !file.changed) ?? false
