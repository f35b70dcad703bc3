import { defineConfig } from '@playwright/test'
import { E2E_URLS } from './e2e/support/e2e-ports'

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright-artifacts',
  // Two workers, one spec file each at a time: most of a spec's time is spent waiting for sync,
  // so two browsers fit on two cores. Specs never depend on each other's data: they use unique
  // texts on the local owner or a fresh password-mode account, and the one spec that stops a
  // shape server uses a stack of its own (e2e/support/e2e-stack.ts).
  fullyParallel: false,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  // Two browsers share the two cores, so a step can take twice as long as it does alone.
  timeout: 60_000,
  // Rows appearing after a sync round trip took over 10 s while two workers ran at load 30+.
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: E2E_URLS.app,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright's own browser download is never used (see AGENTS.md).
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // Throwaway Postgres, three shape servers and five app instances (local ×3, password ×2); see
    // e2e/support/e2e-stack.ts. It rebuilds the app first when .output is stale.
    command: 'pnpm exec tsx e2e/support/e2e-stack.ts',
    url: `${E2E_URLS.control}/ready`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
})
