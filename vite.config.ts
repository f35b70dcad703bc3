import { fileURLToPath } from 'node:url'
import tailwindcss from '@tailwindcss/vite'
import { tanstackStart } from '@tanstack/react-start/plugin/vite'
import viteReact from '@vitejs/plugin-react'
import { nitro } from 'nitro/vite'
import { defineConfig } from 'vite'
import { getConfig } from './app.config.ts'

export default defineConfig(({ command }) => {
  // The built server reads PORT and HOST itself (nitro); only the dev server needs them here.
  const devServer = command === 'serve' ? getConfig() : undefined
  return {
    resolve: {
      alias: {
        '~': fileURLToPath(new URL('./src', import.meta.url)),
        '@config': fileURLToPath(new URL('./app.config.ts', import.meta.url)),
      },
    },
    server: devServer ? { port: devServer.PORT, host: devServer.HOST, strictPort: true } : undefined,
    plugins: [
      tailwindcss(),
      tanstackStart({
        router: { quoteStyle: 'single', semicolons: false },
        importProtection: {
          behavior: 'error',
          // Database, repositories and configuration must never reach the browser bundle. Server
          // functions and their middleware are the exception: the Start compiler replaces their
          // bodies with RPC stubs and strips `.server()` bodies, and with them the imports they use.
          client: {
            files: ['**/*.server.*', '**/src/db/**', '**/src/server/**', '**/app.config.ts'],
            excludeFiles: ['**/node_modules/**', '**/src/server/functions/**', '**/src/server/http/middleware.ts'],
          },
        },
      }),
      // Builds only: under `vite dev`, nitro intermittently hung the first SSR request for 30 s and
      // then answered 500/503 ('Vite environment "ssr" is unavailable'), mostly with a fresh cache.
      command === 'build'
        ? nitro({
            // Checks the configuration at start-up, before the server listens; starts log discovery.
            plugins: [
              './src/server/startup/validate-config.ts',
              './src/server/startup/session-discovery.ts',
              './src/server/startup/maintenance.ts',
              './src/server/startup/coach-replies.ts',
            ],
            rolldownConfig: {
              // Radix and the router mark their modules "use client"; the server bundle rightly drops that.
              onLog(level, log, report) {
                if (log.code !== 'MODULE_LEVEL_DIRECTIVE') report(level, log)
              },
            },
          })
        : null,
      viteReact(),
    ],
  }
})
