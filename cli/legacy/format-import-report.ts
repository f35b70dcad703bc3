/** Human-readable output of `pnpm import:legacy`. */

import { FIX_DESCRIPTIONS, type FixKind, type ImportReport } from './import-report'
import { LEGACY_KINDS } from './legacy-files'
import type { LegacyImportResult } from './legacy-importer'
import type { FileState, PreviousImport } from './previous-import'

const EXAMPLES_PER_KIND = 5
const INVALID_SHOWN = 20
const n = (value: number) => value.toLocaleString('en-US')
const at = (entry: { file: string; index?: number; id?: string }) =>
  `${entry.file}${entry.index === undefined ? '' : ` #${entry.index}`}${entry.id ? ` ${entry.id}` : ''}`

function table(report: ImportReport) {
  const header = ['file', 'read', 'imported', 'created', 'skipped', 'fixed']
  const rows = LEGACY_KINDS.map((kind) => {
    const file = report.files[kind]
    const skipped = file.skipped['missing-id'] + file.skipped['duplicate-id'] + file.skipped.invalid
    return [
      file.missing ? `${file.file} (missing: read as empty)` : file.file,
      n(file.read),
      n(file.imported),
      n(file.created),
      n(skipped),
      n(file.fixedRecords),
    ]
  })
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)))
  return [header, ...rows].map(
    (row) =>
      `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ')}`,
  )
}

export function formatReport(report: ImportReport): string[] {
  const lines = [...table(report)]
  if (report.invalid.length > 0) {
    lines.push('', `Invalid records (${n(report.invalid.length)}):`)
    for (const entry of report.invalid.slice(0, INVALID_SHOWN)) lines.push(`  ${at(entry)}: ${entry.reason}`)
    if (report.invalid.length > INVALID_SHOWN) lines.push(`  … and ${n(report.invalid.length - INVALID_SHOWN)} more`)
  }
  if (report.skips.length > 0) {
    lines.push('', `Skipped (${n(report.skips.length)}):`)
    for (const entry of report.skips.slice(0, INVALID_SHOWN)) {
      lines.push(`  ${at(entry)}: ${entry.label}${entry.detail ? ` (${entry.detail})` : ''}`)
    }
    if (report.skips.length > INVALID_SHOWN) lines.push(`  … and ${n(report.skips.length - INVALID_SHOWN)} more`)
  }
  const byKind = new Map<FixKind, typeof report.fixes>()
  for (const fix of report.fixes) {
    const entries = byKind.get(fix.kind)
    if (entries) entries.push(fix)
    else byKind.set(fix.kind, [fix])
  }
  if (byKind.size > 0) {
    lines.push('', 'Fixes by kind:')
    for (const [kind, entries] of byKind) {
      lines.push(`  ${kind} × ${n(entries.length)}: ${FIX_DESCRIPTIONS[kind]}`)
      for (const entry of entries.slice(0, EXAMPLES_PER_KIND)) lines.push(`    ${at(entry)}: ${entry.detail}`)
      if (entries.length > EXAMPLES_PER_KIND) lines.push(`    … and ${n(entries.length - EXAMPLES_PER_KIND)} more`)
    }
  }
  if (report.notes.length > 0) lines.push('', ...report.notes)
  return lines
}

const describeFile = (state: FileState | undefined) =>
  !state
    ? 'not part of that import'
    : state.missing
      ? 'missing'
      : `${n(state.sizeBytes)} bytes, sha256 ${state.sha256.slice(0, 12)}…`

export function formatPreviousImport(previous: PreviousImport): string[] {
  const when = previous.finishedAt ? new Date(previous.finishedAt).toISOString() : 'an unknown time'
  return [
    `An earlier import (run ${previous.runId}, finished ${when}${previous.backupPath ? `, backup ${previous.backupPath}` : ''}) read:`,
    ...previous.files.map((file) =>
      file.changed
        ? `  ${file.file}: CHANGED — then ${describeFile(file.before)}; now ${describeFile(file.now)}`
        : `  ${file.file}: unchanged (${describeFile(file.now)})`,
    ),
  ]
}

export function formatImportResult(result: LegacyImportResult): string[] {
  switch (result.status) {
    case 'imported':
      return [
        `Imported into account ${result.accountId}${result.merged ? ' (merged into the data already there, matched by id)' : ''}, in one transaction.`,
        ...formatReport(result.report),
        '',
        `Backup of the input files and of the affected tables, taken before writing: ${result.backupPath}`,
        `Full list of fixes and skips: ${result.backupPath}/import-report.json`,
      ]
    case 'nothing-to-do':
      return [
        ...formatPreviousImport(result.previous),
        '',
        'These are the same files: nothing to do. The database was not changed.',
      ]
    case 'refused':
      return [
        ...formatPreviousImport(result.previous),
        '',
        'These files differ from the ones imported earlier, so importing them now would merge two versions of the data.',
        'Nothing was written. If the new files are meant to be merged into what was imported (records matched by id;',
        'the files win for the records they contain; nothing is deleted), run again with --force-merge',
        '(add --dry-run first to see the report).',
      ]
    case 'invalid-records':
      return [
        ...formatReport(result.report),
        '',
        'Import aborted: some records are invalid (listed above). Nothing was written.',
        'Fix them in the files, or run again with --skip-invalid to import everything else and skip them.',
      ]
    case 'dry-run': {
      const lines = ['Dry run: nothing was written (no backup, no database rows).']
      if (result.previous) lines.push(...formatPreviousImport(result.previous))
      if (result.wouldStop === 'nothing-to-do')
        return [...lines, 'These are the same files: a real run would do nothing.']
      lines.push(...formatReport(result.report))
      if (result.wouldStop === 'invalid-records')
        lines.push('', 'A real run would abort because of the invalid records (or skip them with --skip-invalid).')
      if (result.wouldStop === 'refused')
        lines.push(
          '',
          'A real run would refuse these files without --force-merge; the report shows what --force-merge would do.',
        )
      return lines
    }
  }
}

/** Exit status of the CLI: 0 done or nothing to do, 1 aborted on the input, 3 refused (see docs/operations.md). */
export function importExitCode(result: LegacyImportResult): number {
  if (result.status === 'invalid-records') return 1
  if (result.status === 'refused') return 3
  if (result.status === 'dry-run')
    return result.wouldStop === 'invalid-records' ? 1 : result.wouldStop === 'refused' ? 3 : 0
  return 0
}
