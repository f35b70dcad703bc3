#!/usr/bin/env node
/**
 * `npm start` / `npm test` on a machine that has only Node ≥ 20.19: installs pnpm when missing,
 * installs dependencies from the lockfile, (for tests) Debian's Chromium, then hands over to the
 * project's own scripts. Plain Node on purpose: nothing else is installed when it runs.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const PNPM_VERSION = '12.21.0'
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const localPnpmPrefix = join(root, '.tools', 'pnpm')
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

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major < 20 || (major === 20 && minor < 19)) {
    die(`Node ${process.versions.node} is too old: Session Coach needs Node 20.19 or newer.`)
  }
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

checkNode()
if (command !== 'start' && command !== 'test') die('usage: node scripts/bootstrap.mjs <start|test>', 2)
const pnpm = ensurePnpm()
installDependencies(pnpm)
if (command === 'test') ensureChromium()
const pathWithPnpm = `${dirname(pnpm) === '.' ? '' : `${dirname(pnpm)}:`}${process.env.PATH}`
const target =
  command === 'start' ? ['exec', 'tsx', 'scripts/stack.ts', 'start'] : ['exec', 'tsx', 'scripts/test-all.ts']
const result = run(pnpm, target, { env: { ...process.env, PATH: pathWithPnpm } })
process.exit(result.status ?? 1)
