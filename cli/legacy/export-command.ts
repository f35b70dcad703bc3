/**
 * `pnpm export:legacy --out DIR`: the rollback path of the cutover (docs/operations.md). Writes the
 * original product's three data files from the database.
 */

import { createDatabaseClient } from '~/db/client'
import { redactUrl } from '~/db/migrate'
import { getConfigOrExit } from '../../app.config'
import { EXPORT_USAGE, parseExportArgs, UsageError } from './cli-options'
import { exit, requireNamedAccountInPasswordMode } from './command-exit'
import { ExportSetupError, exportLegacyData } from './legacy-exporter'
import { LEGACY_FILE_NAMES, LEGACY_KINDS } from './legacy-files'
import { throttledProgress } from './progress'

let options: ReturnType<typeof parseExportArgs>
try {
  options = parseExportArgs(process.argv.slice(2))
} catch (error) {
  if (error instanceof UsageError) exit(error.message, 2)
  throw error
}

const config = getConfigOrExit()
if (!config.DATABASE_URL) {
  exit(
    'DATABASE_URL is not set. The export reads an explicit database, e.g.\n' +
      '  DATABASE_URL=postgres://user:pass@host:5432/session_coach pnpm export:legacy --out ./data-export\n\n' +
      EXPORT_USAGE,
    2,
  )
}

if (config.AUTH_MODE === 'password' && !options.account) {
  requireNamedAccountInPasswordMode('export:legacy --out ./data-export', EXPORT_USAGE)
}

const client = createDatabaseClient(config.DATABASE_URL, { max: 2 })
try {
  console.error(`Database: ${redactUrl(config.DATABASE_URL)}`)
  const result = await exportLegacyData(
    client.db,
    options,
    throttledProgress((line) => console.error(line)),
  )
  console.log(`Exported account ${result.accountId} into ${result.outDir}:`)
  for (const kind of LEGACY_KINDS)
    console.log(`  ${LEGACY_FILE_NAMES[kind]}: ${result.records[kind].toLocaleString('en-US')} records`)
  for (const note of result.notes) console.log(note)
} catch (error) {
  console.error(error instanceof ExportSetupError ? error.message : `Export failed: ${(error as Error).message}`)
  process.exitCode = error instanceof ExportSetupError ? 2 : 1
} finally {
  await client.close()
}
