/** `pnpm db:migrate`: apply committed migrations to DATABASE_URL (advisory-locked, idempotent). */
import { getConfigOrExit } from '../app.config'
import { MigrationError, migrateDatabase, redactUrl } from '../src/db/migrate'

const config = getConfigOrExit()
if (!config.DATABASE_URL) {
  console.error(
    'DATABASE_URL is not set. `pnpm db:migrate` migrates an explicit database, e.g.\n' +
      '  DATABASE_URL=postgres://user:pass@host:5432/session_coach pnpm db:migrate\n' +
      '(`npm start` and `pnpm dev` migrate the embedded Postgres on their own.)',
  )
  process.exit(2)
}
try {
  console.log(`Migrating ${redactUrl(config.DATABASE_URL)}`)
  await migrateDatabase(config.DATABASE_URL)
} catch (error) {
  console.error(error instanceof MigrationError ? error.message : `Migration failed: ${(error as Error).message}`)
  process.exit(1)
}
