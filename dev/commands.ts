/**
 * How the stacks start each program, in one place: every command runs on this process's Node
 * (`process.execPath`), so a stack started under the Node that `scripts/bootstrap.mjs` fetched
 * keeps all its children on it, and no `pnpm` has to be on PATH.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { SHAPE_SERVER_NODE_FLAGS } from '@session-coach/shape-server/node-flags'

const require = createRequire(import.meta.url)

/**
 * The shape server package's CLI as its own process (reads DATABASE_URL, SHAPE_SERVER_PORT, ELECTRIC_SECRET),
 * with the V8 heap flags its memory budget was measured with.
 */
export function shapeServerCommand() {
  return [
    process.execPath,
    ...SHAPE_SERVER_NODE_FLAGS,
    '--import',
    'tsx',
    require.resolve('@session-coach/shape-server/cli'),
  ]
}

/**
 * Node ≥ 25 has a global `localStorage` and warns on every start when server code probes it (the
 * Electric client does); the server has no use for it. Node 20 does not know the flag.
 */
const WITHOUT_WEB_STORAGE = process.allowedNodeEnvironmentFlags.has('--experimental-webstorage')
  ? ['--no-experimental-webstorage']
  : []

/** The built app (`vite build` output). */
export function builtAppCommand() {
  return [process.execPath, ...WITHOUT_WEB_STORAGE, '.output/server/index.mjs']
}

/** `vite <args>` on this Node. */
export function viteCommand(...args: string[]) {
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js')
  return [process.execPath, viteBin, ...args]
}
