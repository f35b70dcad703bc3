/**
 * How the stacks start each program, in one place: every command runs on this process's Node
 * (`process.execPath`), so a stack started under the Node that `scripts/bootstrap.mjs` fetched
 * keeps all its children on it, and no `pnpm` has to be on PATH.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)

/** The shape server package's CLI as its own process (reads DATABASE_URL, SHAPE_SERVER_PORT, ELECTRIC_SECRET). */
export function shapeServerCommand() {
  return [process.execPath, '--import', 'tsx', require.resolve('@session-coach/shape-server/cli')]
}

/** The built app (`vite build` output). */
export function builtAppCommand() {
  return [process.execPath, '.output/server/index.mjs']
}

/** `vite <args>` on this Node. */
export function viteCommand(...args: string[]) {
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')
  return [process.execPath, viteBin, ...args]
}
