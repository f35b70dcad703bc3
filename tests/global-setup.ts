import type { TestProject } from 'vitest/node'
import { type RunningPostgres, startEmbeddedPostgres } from '../dev/embedded-postgres'
import { createDatabase, freePort } from '../dev/processes'
import { migrateDatabase } from '../src/db/migrate'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the throwaway cluster (database `postgres`). */
    adminDatabaseUrl: string
    /** Name of a database with every migration applied, used as a template per test file. */
    templateDatabase: string
    /** Set only under `pnpm test:electric`: every file shares the database the real Electric replicates. */
    sharedDatabaseUrl?: string
    /** Set only under `pnpm test:electric`: the real Electric's URL and secret. */
    externalElectricUrl?: string
    electricSecret?: string
  }
}

let running: RunningPostgres | undefined

export async function setup(project: TestProject) {
  running = await startEmbeddedPostgres({ port: await freePort() })
  const templateUrl = await createDatabase(running.url, 'app_template')
  await migrateDatabase(templateUrl, { log: () => {} })
  project.provide('adminDatabaseUrl', running.url)
  project.provide('templateDatabase', 'app_template')
}

export async function teardown() {
  await running?.stop()
}
