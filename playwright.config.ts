import { defineConfig } from '@playwright/test'
import { E2E_URLS } from './e2e/support/e2e-ports'

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results/playwright-artifacts',
  // One worker. Specs never depend on each other's data (unique texts on the local owner or a
  // fresh password-mode account; the one spec that stops a shape server has a stack of its own,
  // e2e/support/e2e-stack.ts), so two workers run correctly — but on two cores they were no faster
  // (docs/testing.md: 714 s with two workers, 642 s with one, on a quiet machine), since the
  // browsers, the app, Postgres and the shape servers all share the same two cores.
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  // Generous for a loaded machine (rows after a sync round trip took over 10 s at load 30+); a
  // passing step never waits for them.
  timeout: 60_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: E2E_URLS.app,
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    // A failing test keeps its trace with DOM snapshots of every step, but without the screencast:
    // recording its frames for every passing test too cost more than the tests themselves (home +
    // auth-and-security at load 12: 157 s with it, 99 s without, 92 s with no trace at all;
    // docs/testing.md). `--trace on` records everything when a failure needs the film.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: true },
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
