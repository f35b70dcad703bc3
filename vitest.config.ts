import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Tests never read a developer's `.env` (app.config.ts reads it otherwise). */
const hermetic = { ENV_FILE: 'none' }

const alias = {
  '~': fileURLToPath(new URL('./src', import.meta.url)),
  '@config': fileURLToPath(new URL('./app.config.ts', import.meta.url)),
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'tests/unit/**/*.test.ts',
            'src/**/*.test.ts',
            'cli/*/tests/unit/**/*.test.ts',
            'packages/*/tests/unit/**/*.test.ts',
          ],
          environment: 'node',
          env: hermetic,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          // Package suites need only the cluster; they create their own empty databases.
          include: [
            'tests/integration/**/*.test.ts',
            'cli/*/tests/integration/**/*.test.ts',
            'packages/*/tests/integration/**/*.test.ts',
          ],
          environment: 'node',
          env: hermetic,
          globalSetup: ['tests/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: a few files at a time keeps Postgres and the shape servers responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // Fault injection against the real built stack (kill -9, restarts, hostile input); needs
        // `vite build`. `npm test` runs the short counts, `pnpm test:chaos` the full ones.
        resolve: { alias },
        test: {
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          environment: 'node',
          env: hermetic,
          testTimeout: 600_000,
          hookTimeout: 180_000,
          // Each file runs its own Postgres, shape server and app(s): one at a time on two cores.
          maxWorkers: 1,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
      {
        // Only through `pnpm test:electric` (needs a container runtime): the same sync suites
        // against the real Electric image. Excluded from the default run by its name filter.
        resolve: { alias },
        test: {
          name: 'electric',
          // The app's sync suites, and the shape server's protocol suites written for both servers.
          include: [
            'tests/integration/sync/**/*.test.ts',
            'packages/shape-server/tests/integration/subqueries.test.ts',
          ],
          environment: 'node',
          env: hermetic,
          globalSetup: ['tests/global-setup-electric.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
})
