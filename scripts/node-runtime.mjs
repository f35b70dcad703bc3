/**
 * Which Node runs the project: the machine's own when it is new enough for the dependencies
 * (package.json `engines.node`), otherwise the LTS release fetched from the npm registry (the
 * `node` package's per-platform binary package) into `.tools/node`. Plain JavaScript with no dependencies: `scripts/bootstrap.mjs`
 * runs it before anything is installed, on whatever Node the machine has.
 */

/** The LTS release fetched when the machine's Node is too old. Keep the Dockerfile's `FROM node:<major>` in step. */
export const NODE_LTS_VERSION = '26.10.0'

/** `v22.12.0` / `22.12` → [22, 12, 0]; anything else → undefined. */
export function parseVersion(text) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(text).trim())
  if (!match) return undefined
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)]
}

/** The minimum of an `engines.node` range of the form `>=X.Y[.Z]`, the only form this project uses. */
export function minimumFromEngines(range) {
  const match = /^\s*>=\s*(\S+)\s*$/.exec(range ?? '')
  const minimum = match ? parseVersion(match[1]) : undefined
  if (!minimum) throw new Error(`package.json engines.node must look like ">=22.12", got ${JSON.stringify(range)}`)
  return minimum
}

export function isAtLeast(version, minimum) {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i]
  }
  return true
}

export function formatVersion(version) {
  return version.join('.')
}

/**
 * `current`: run on this process's Node. `local`: re-run on the copy in `.tools/node`.
 * `install`: fetch NODE_LTS_VERSION into `.tools/node` first (none there, or one that is too old).
 *
 * @param {{ current: string, minimum: number[], local?: string }} input versions as `node --version` prints them
 */
export function chooseNode({ current, minimum, local }) {
  const currentVersion = parseVersion(current)
  if (currentVersion && isAtLeast(currentVersion, minimum)) return 'current'
  const localVersion = local ? parseVersion(local) : undefined
  if (localVersion && isAtLeast(localVersion, minimum)) return 'local'
  return 'install'
}

/**
 * The npm package that holds the Node binary for a platform. The `node` package picks it the same
 * way in an install script that runs a nested `npm install`; installing it directly needs no
 * install scripts at all (npm 11 asks for them to be allowed one by one).
 */
export function nodeBinaryPackage(platform, arch) {
  const os = platform === 'win32' ? 'win' : platform
  const cpu = os === 'win' && arch === 'ia32' ? 'x86' : arch
  const prefix = platform === 'darwin' && arch === 'arm64' ? 'node-bin' : 'node'
  return `${prefix}-${os}-${cpu}`
}
