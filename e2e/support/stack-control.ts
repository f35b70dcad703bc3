/** What specs may ask of the e2e stack (e2e/support/e2e-stack.ts) through its control endpoint. */
import { E2E_URLS } from './e2e-ports'

/** `restart` serves only app :base+4, so stopping it disturbs no other spec (see e2e-stack.ts). */
export type ShapeServerName = 'main' | 'password' | 'restart'

async function control(path: string) {
  const response = await fetch(`${E2E_URLS.control}${path}`, { method: 'POST' })
  if (!response.ok) throw new Error(`e2e stack control ${path} failed: ${response.status} ${await response.text()}`)
}

/** SIGTERM, then waits until the process has exited: the app now gets "connection refused". */
export function stopShapeServer(name: ShapeServerName) {
  return control(`/shape-servers/${name}/stop`)
}

/** Starts it again on the same port and waits for /v1/health. */
export function startShapeServer(name: ShapeServerName) {
  return control(`/shape-servers/${name}/start`)
}
