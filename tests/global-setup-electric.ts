/**
 * Global setup for `pnpm test:electric`: real Postgres and the real Electric image in containers
 * (testcontainers 11, the last line that runs on Node 20). scripts/test-electric.ts only calls
 * this when a container runtime exists.
 */
import { randomBytes } from 'node:crypto'
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql'
import { GenericContainer, Network, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers'
import type { TestProject } from 'vitest/node'
import { migrateDatabase } from '../src/db/migrate'

export const ELECTRIC_IMAGE = 'electricsql/electric:1.7.12'

let network: StartedNetwork | undefined
let postgres: StartedPostgreSqlContainer | undefined
let electric: StartedTestContainer | undefined

export async function setup(project: TestProject) {
  const running = runningElectric()
  if (running) {
    // An Electric started elsewhere (TEST_ELECTRIC_URL): the suites use the database it replicates.
    await migrateDatabase(running.databaseUrl, { log: () => {} })
    project.provide('adminDatabaseUrl', running.databaseUrl)
    project.provide('templateDatabase', new URL(running.databaseUrl).pathname.slice(1))
    project.provide('sharedDatabaseUrl', running.databaseUrl)
    project.provide('externalElectricUrl', running.url)
    project.provide('electricSecret', running.secret)
    return
  }
  network = await new Network().start()
  postgres = await new PostgreSqlContainer('postgres:17-alpine')
    .withNetwork(network)
    .withNetworkAliases('postgres')
    .withDatabase('session_coach')
    .withUsername('postgres')
    .withPassword('postgres')
    .withCommand(['postgres', '-c', 'wal_level=logical', '-c', 'max_replication_slots=10', '-c', 'max_wal_senders=10'])
    .start()
  const databaseUrl = postgres.getConnectionUri()
  await migrateDatabase(databaseUrl, { log: () => {} })
  const secret = randomBytes(16).toString('hex')
  electric = await new GenericContainer(ELECTRIC_IMAGE)
    .withNetwork(network)
    .withEnvironment({
      DATABASE_URL: 'postgresql://postgres:postgres@postgres:5432/session_coach?sslmode=disable',
      ELECTRIC_SECRET: secret,
    })
    .withExposedPorts(3000)
    .withWaitStrategy(Wait.forHttp('/v1/health', 3000).forStatusCode(200))
    .start()
  project.provide('adminDatabaseUrl', databaseUrl)
  project.provide('templateDatabase', 'session_coach')
  project.provide('sharedDatabaseUrl', databaseUrl)
  project.provide('externalElectricUrl', `http://${electric.getHost()}:${electric.getMappedPort(3000)}`)
  project.provide('electricSecret', secret)
}

/** `TEST_ELECTRIC_URL` + `TEST_ELECTRIC_DATABASE_URL` (+ `TEST_ELECTRIC_SECRET`): use that Electric. */
export function runningElectric(env: NodeJS.ProcessEnv = process.env) {
  const url = env.TEST_ELECTRIC_URL
  const databaseUrl = env.TEST_ELECTRIC_DATABASE_URL
  if (!url || !databaseUrl) return undefined
  return { url: url.replace(/\/$/, ''), databaseUrl, secret: env.TEST_ELECTRIC_SECRET ?? '' }
}

export async function teardown() {
  await electric?.stop()
  await postgres?.stop()
  await network?.stop()
}
