/**
 * `pnpm test:electric`: the sync test suites (the app's and the shape server's protocol suites
 * written for both servers) against real Postgres + the real Electric image, through
 * testcontainers, or against an Electric already running (`TEST_ELECTRIC_URL`,
 * `TEST_ELECTRIC_DATABASE_URL`, `TEST_ELECTRIC_SECRET`). With neither it says so and exits 0.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { getConfigOrExit } from '../app.config'

async function containerRuntimeAvailable() {
  getConfigOrExit()
  const socket = existsSync('/var/run/docker.sock')
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await getContainerRuntimeClient()
    return true
  } catch (error) {
    if (socket) console.error(`A Docker socket exists but testcontainers could not use it: ${(error as Error).message}`)
    return false
  }
}

const external = process.env.TEST_ELECTRIC_URL && process.env.TEST_ELECTRIC_DATABASE_URL
if (!external && !(await containerRuntimeAvailable())) {
  console.log(
    'test:electric skipped: no Electric to test against. Either start one yourself and set TEST_ELECTRIC_URL, ' +
      'TEST_ELECTRIC_DATABASE_URL (the database it replicates; the suites migrate it and create tables in it) and ' +
      'TEST_ELECTRIC_SECRET, or run on a machine with a container runtime (Docker or Podman) so the suites start ' +
      'Postgres and electricsql/electric themselves.',
  )
  console.log('0 passed, 0 failed')
  process.exit(0)
}
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'electric'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
