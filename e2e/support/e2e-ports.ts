/**
 * Fixed ports of the end-to-end stack (e2e/support/e2e-stack.ts), shared by playwright.config.ts,
 * the stack itself and the specs. The shape servers and Postgres take free ports at start-up.
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const E2E_HOST = '127.0.0.1'

/**
 * `E2E_PORT_BASE` moves the whole block (default 3300), so two checkouts on one machine can run
 * their end-to-end suites at the same time.
 */
const base = Number.parseInt(process.env.E2E_PORT_BASE ?? '', 10) || 3300

export const E2E_PORTS = {
  /** AUTH_MODE=local, the instance most specs use (Playwright's baseURL). */
  app: base,
  /** AUTH_MODE=local, a second instance on the same database and shape server. */
  secondApp: base + 1,
  /** AUTH_MODE=password, its own database and shape server: every sign-up is a fresh account. */
  passwordApp: base + 2,
  /** AUTH_MODE=password with sign-up closed (the default), on the password database. */
  closedSignUpApp: base + 3,
  /**
   * AUTH_MODE=local on a cluster and shape server of its own ("restart"): the one spec that stops a
   * shape server does it here, so the specs running beside it in the other worker never notice.
   */
  restartApp: base + 4,
  /** The stack's control endpoint: readiness, and stopping/starting a shape server. */
  control: base + 99,
} as const

export const appUrl = (port: number) => `http://${E2E_HOST}:${port}`

export const E2E_URLS = {
  app: appUrl(E2E_PORTS.app),
  secondApp: appUrl(E2E_PORTS.secondApp),
  passwordApp: appUrl(E2E_PORTS.passwordApp),
  closedSignUpApp: appUrl(E2E_PORTS.closedSignUpApp),
  restartApp: appUrl(E2E_PORTS.restartApp),
  control: appUrl(E2E_PORTS.control),
} as const

/**
 * The folder app :base watches for agent logs (its SESSION_DIRS), emptied when the stack starts: a
 * spec writes a log here and appends to it to see the live tail. Per port block, so two checkouts
 * never watch each other's files.
 */
export const E2E_AGENT_LOG_DIR = join(tmpdir(), `session-coach-e2e-${base}`, 'agent-logs')
