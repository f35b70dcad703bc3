import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { freePort, type RunningPostgres, startEmbeddedPostgres } from '../src/db/embedded-postgres'
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
  const admin = postgres(running.url, { max: 1, onnotice: () => {} })
  await admin.unsafe('CREATE DATABASE app_template')
  await admin.end()
  const templateUrl = running.url.replace(/\/postgres$/, '/app_template')
  await migrateDatabase(templateUrl, { log: () => {} })
  project.provide('adminDatabaseUrl', running.url)
  project.provide('templateDatabase', 'app_template')
}

export async function teardown() {
  await running?.stop()
}
