/**
 * `pnpm import:legacy`: one-time import of the original product's data/*.json files. The work is in
 * legacy-importer.ts; docs/operations.md has the cutover runbook.
 */

import { createDatabaseClient } from '~/db/client'
import { redactUrl } from '~/db/migrate'
import { getConfigOrExit } from '../../app.config'
import { IMPORT_USAGE, parseImportArgs, UsageError } from './cli-options'
import { exit, requireNamedAccountInPasswordMode } from './command-exit'
import { formatImportResult, importExitCode } from './format-import-report'
import { BackupFolderError } from './import-backup'
import { ImportRolledBackError, ImportSetupError, importLegacyData } from './legacy-importer'
import { throttledProgress } from './progress'
import { LegacyFileError } from './read-json-array'

let options: ReturnType<typeof parseImportArgs>
try {
  options = parseImportArgs(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError) exit(error.message, 2)
  throw error
}

const config = getConfigOrExit()
if (!config.DATABASE_URL && !options.dryRun) {
  exit(
    'DATABASE_URL is not set. The import writes into an explicit database, e.g.\n' +
      '  DATABASE_URL=postgres://user:pass@host:5432/session_coach pnpm import:legacy --data-dir ./data\n' +
      'For the embedded database of `npm start` (while it runs), that is\n' +
      '  DATABASE_URL=postgres://postgres:postgres@127.0.0.1:54329/session_coach pnpm import:legacy\n' +
      '(`npm start` prints it as "database postgres://postgres:***@…"; the port is EMBEDDED_PG_PORT).\n' +
      '(--dry-run works without a database and plans against an empty one.)\n\n' +
      IMPORT_USAGE,
    2,
  )
}

if (config.AUTH_MODE === 'password' && config.DATABASE_URL && !options.account) {
  requireNamedAccountInPasswordMode('import:legacy --data-dir ./data', IMPORT_USAGE)
}

const client = config.DATABASE_URL ? createDatabaseClient(config.DATABASE_URL, { max: 2 }) : undefined
try {
  if (config.DATABASE_URL) console.error(`Database: ${redactUrl(config.DATABASE_URL)}`)
  const result = await importLegacyData(options, {
    db: client?.db,
    progress: throttledProgress((line) => console.error(line)),
  })
  console.log(formatImportResult(result).join('\n'))
  process.exitCode = importExitCode(result)
} catch (error) {
  if (error instanceof ImportSetupError || error instanceof BackupFolderError) {
    console.error(error.message)
    process.exitCode = 2
  } else if (error instanceof LegacyFileError) {
    console.error(`Import aborted: ${error.message}\nNothing was written to the database.`)
    process.exitCode = 1
  } else if (error instanceof ImportRolledBackError) {
    console.error(`Import aborted: ${error.message}`)
    process.exitCode = 1
  } else {
    console.error(`Import failed: ${(error as Error).message}\nNothing was written to the database.`)
    process.exitCode = 1
  }
} finally {
  await client?.close()
}
