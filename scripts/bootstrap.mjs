#!/usr/bin/env node
/**
 * `npm start` / `npm test` on a machine that has only Node and npm: when the machine's Node is
 * older than the dependencies need (package.json `engines.node`), fetches the LTS `node` package
 * from the npm registry into `.tools/node` and re-runs itself on it; then installs pnpm when
 * missing, installs dependencies from the lockfile, (for tests) Debian's Chromium, and hands over
 * to the project's own scripts with `.tools/node/bin` first on PATH, so every child runs on the
 * same Node. Plain Node on purpose: nothing else is installed when it runs.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chooseNode, formatVersion, minimumFromEngines, NODE_LTS_VERSION, nodeBinaryPackage } from './node-runtime.mjs'

const PNPM_VERSION = '12.21.0'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const localPnpmPrefix = join(root, '.tools', 'pnpm')
const localNodePrefix = join(root, '.tools', 'node')
const localNodeBin = join(localNodePrefix, 'bin')
const command = process.argv[2]

function say(line) {
  console.log(`[bootstrap] ${line}`)
}

function die(line, code = 1) {
  console.error(`[bootstrap] ${line}`)
  process.exit(code)
}

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options })
}

function works(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'ignore' })
  return result.status === 0
}

function versionOf(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' })
  return result.status === 0 ? result.stdout.trim() : undefined
}

function installLocalNode() {
  const binaryPackage = nodeBinaryPackage(process.platform, process.arch)
  say(`fetching Node ${NODE_LTS_VERSION} from the npm registry (${binaryPackage}) into .tools/node`)
  // A global install into a project-local prefix (as for pnpm) links .tools/node/bin/node.
  const result = run('npm', [
    'install',
    '--global',
    '--prefix',
    localNodePrefix,
    `${binaryPackage}@${NODE_LTS_VERSION}`,
  ])
  if (result.status !== 0) {
    die(
      `could not fetch Node ${NODE_LTS_VERSION}. Install Node ${NODE_LTS_VERSION} (or any ≥ the engines range) yourself.`,
    )
  }
}

/**
 * Returns when this process runs on a Node the dependencies support; otherwise re-runs this script
 * on `.tools/node` (fetching it first) and exits with its status.
 */
async function ensureSupportedNode() {
  const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const minimum = minimumFromEngines(engines?.node)
  const localNode = join(localNodeBin, 'node')
  const local = existsSync(localNode) ? versionOf(localNode) : undefined
  const choice = chooseNode({ current: process.version, minimum, local })
  if (choice === 'current') return
  say(`Node ${process.versions.node} is older than the ${formatVersion(minimum)} the dependencies need.`)
  if (choice === 'install') installLocalNode()
  const fetched = versionOf(localNode)
  if (chooseNode({ current: fetched ?? '', minimum }) !== 'current') {
    die(`.tools/node/bin/node (${fetched ?? 'does not run'}) does not satisfy engines.node ${engines.node}.`)
  }
  say(`running on Node ${fetched.replace(/^v/, '')} from .tools/node`)
  await handOver(localNode, process.argv.slice(1), { PATH: `${localNodeBin}${delimiter}${process.env.PATH}` })
}

/**
 * Runs the command to its end and exits with its status. A terminal's Ctrl-C reaches the child
 * directly (same process group), so this process only outlives it; SIGTERM/SIGHUP sent to this
 * process alone (npm passes them on, so does CI's timeout) are passed on, so nothing is orphaned.
 */
async function handOver(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  const [code, signal] = await new Promise((resolve) => child.once('exit', (...exit) => resolve(exit)))
  process.exit(code ?? (signal ? 1 : 0))
}

/** pnpm on PATH, else a project-local copy under .tools/ (no root needed). */
function ensurePnpm() {
  if (works('pnpm', ['--version'])) return 'pnpm'
  const local = join(localPnpmPrefix, 'bin', 'pnpm')
  if (existsSync(local) && works(local, ['--version'])) return local
  say(`installing pnpm ${PNPM_VERSION} into .tools/pnpm`)
  // A global install into a project-local prefix: npm 11 refuses --allow-scripts for project
  // installs, and pnpm's script only links its native binary (without it pnpm runs through Node).
  const result = run('npm', [
    'install',
    '--global',
    '--prefix',
    localPnpmPrefix,
    '--allow-scripts=pnpm',
    `pnpm@${PNPM_VERSION}`,
  ])
  if (result.status !== 0 || !works(local, ['--version'])) {
    die(`could not install pnpm. Install it yourself with: npm i -g pnpm@${PNPM_VERSION}`)
  }
  return local
}

/**
 * `.tools/bin/pnpm` (and `.tools/bin/node` when the project runs on the fetched Node): what the
 * README's `pnpm …` commands need on a machine where pnpm or a new enough Node exist only here.
 */
function writeShims(pnpm) {
  const binDir = join(root, '.tools', 'bin')
  mkdirSync(binDir, { recursive: true })
  const usesLocalNode = process.execPath.startsWith(localNodePrefix)
  const pnpmPath =
    pnpm === 'pnpm' ? spawnSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).stdout.trim() : pnpm
  const pnpmTarget = pnpmPath.startsWith(root)
    ? `"$tools/${pnpmPath.slice(root.length + '/.tools/'.length)}"`
    : `'${pnpmPath}'`
  const shim = [
    '#!/bin/sh',
    '# Written by scripts/bootstrap.mjs: pnpm on the Node this checkout runs on.',
    'tools="$(cd "$(dirname "$0")/.." && pwd)"',
    ...(usesLocalNode ? ['PATH="$tools/node/bin:$PATH"', 'export PATH'] : []),
    `exec ${pnpmTarget} "$@"`,
    '',
  ].join('\n')
  writeFileSync(join(binDir, 'pnpm'), shim)
  chmodSync(join(binDir, 'pnpm'), 0o755)
  rmSync(join(binDir, 'node'), { force: true })
  if (usesLocalNode) symlinkSync(join('..', 'node', 'bin', 'node'), join(binDir, 'node'))
}

function installDependencies(pnpm) {
  say('installing dependencies (pnpm install --frozen-lockfile)')
  const result = run(pnpm, ['install', '--frozen-lockfile'], {
    env: { ...process.env, PATH: `${dirname(pnpm)}:${process.env.PATH}` },
  })
  if (result.status !== 0) die('dependency installation failed; see the output above.')
}

function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return
  if (process.getuid?.() !== 0) {
    die(
      "Chromium is required for the end-to-end tests. Install Debian's package and run again:\n" +
        '  sudo apt-get update && sudo apt-get install -y chromium',
    )
  }
  say("installing Debian's chromium package for the end-to-end tests")
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (run('apt-get', ['update'], { env }).status !== 0) die('apt-get update failed.')
  if (run('apt-get', ['install', '-y', 'chromium'], { env }).status !== 0) {
    die('apt-get install chromium failed.')
  }
}

if (command !== 'start' && command !== 'test') die('usage: node scripts/bootstrap.mjs <start|test>', 2)
await ensureSupportedNode()
const pnpm = ensurePnpm()
writeShims(pnpm)
installDependencies(pnpm)
if (command === 'test') ensureChromium()
const pathWithPnpm = `${dirname(pnpm) === '.' ? '' : `${dirname(pnpm)}:`}${process.env.PATH}`
const target =
  command === 'start' ? ['exec', 'tsx', 'scripts/stack.ts', 'start'] : ['exec', 'tsx', 'scripts/test-all.ts']
await handOver(pnpm, target, { PATH: pathWithPnpm })
