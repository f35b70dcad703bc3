/**
 * Fixed ports of the end-to-end stack (e2e/support/e2e-stack.ts), shared by playwright.config.ts,
 * the stack itself and the specs. The shape servers and Postgres take free ports at start-up.
 */
export const E2E_HOST = '127.0.0.1'

export const E2E_PORTS = {
  /** AUTH_MODE=local, the instance most specs use (Playwright's baseURL). */
  app: 3300,
  /** AUTH_MODE=local, a second instance on the same database and shape server. */
  secondApp: 3301,
  /** AUTH_MODE=password, its own database and shape server: every sign-up is a fresh account. */
  passwordApp: 3302,
  /** The stack's control endpoint: readiness, and stopping/starting a shape server. */
  control: 3399,
} as const

export const appUrl = (port: number) => `http://${E2E_HOST}:${port}`

export const E2E_URLS = {
  app: appUrl(E2E_PORTS.app),
  secondApp: appUrl(E2E_PORTS.secondApp),
  passwordApp: appUrl(E2E_PORTS.passwordApp),
  control: appUrl(E2E_PORTS.control),
} as const
