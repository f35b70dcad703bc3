import { defineConfig } from '@playwright/test'
import { E2E_URLS } from './e2e/support/e2e-ports'

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright-artifacts',
  fullyParallel: false,
  // Two cores: one browser at a time keeps the server and Postgres responsive.
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
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
    // Throwaway Postgres, two shape servers and three app instances (local ×2, password); see
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
