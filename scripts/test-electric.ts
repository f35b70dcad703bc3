/**
 * `pnpm test:electric`: the sync test suites against real Postgres + the real Electric image,
 * through testcontainers. Without a container runtime it says so and exits 0 (nothing to run here).
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

if (!(await containerRuntimeAvailable())) {
  console.log('test:electric skipped: no container runtime (Docker or Podman) is available on this machine.')
  console.log('0 passed, 0 failed')
  process.exit(0)
}
const result = spawnSync('pnpm', ['exec', 'vitest', 'run', '--project', 'electric'], { stdio: 'inherit' })
process.exit(result.status ?? 1)
