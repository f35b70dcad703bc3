/**
 * The family of a shell command (git, package manager, tests, …), stored with each shell event so
 * the timeline can filter by it with a plain `where command_family = …` that scales to huge
 * sessions. The family comes from the first program of the script that does real work: `cd`,
 * `export`, variable assignments and wrappers such as `sudo` or `timeout 60` are skipped.
 */

export const COMMAND_FAMILIES = ['git', 'package', 'test', 'build', 'search', 'read', 'remove', 'other'] as const
export type CommandFamily = (typeof COMMAND_FAMILIES)[number]

/** Programs that only set the scene for the next one. */
const PREPARATION = new Set(['cd', 'pushd', 'popd', 'export', 'source', '.', 'set', 'unset', 'true', 'clear'])
/** Programs that run their arguments as the real command. */
const WRAPPERS = new Set(['sudo', 'time', 'env', 'nohup', 'command', 'exec', 'nice'])
const TEST_RUNNERS = new Set(['vitest', 'jest', 'pytest', 'mocha', 'playwright', 'ava', 'rspec', 'phpunit', 'ctest'])
const PACKAGE_MANAGERS = new Set([
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'npx',
  'pnpx',
  'bunx',
  'pip',
  'pip3',
  'uv',
  'poetry',
  'cargo',
  'go',
  'gem',
  'bundle',
  'composer',
  'apt',
  'apt-get',
  'brew',
  'deno',
  'dotnet',
  'mvn',
  'gradle',
])
const BUILD_TOOLS = new Set(['tsc', 'make', 'cmake', 'ninja', 'webpack', 'esbuild', 'rollup', 'gcc', 'clang', 'javac'])
const SEARCH_TOOLS = new Set(['grep', 'egrep', 'rg', 'ag', 'ack', 'find', 'fd', 'locate'])
const READ_TOOLS = new Set([
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'sed',
  'awk',
  'ls',
  'tree',
  'wc',
  'pwd',
  'stat',
  'file',
  'du',
  'jq',
  'diff',
  'nl',
])
const REMOVE_TOOLS = new Set(['rm', 'rmdir', 'unlink', 'shred', 'trash'])
/** An argument that means "run the tests" after a package manager, build tool or interpreter. */
const TEST_ARGUMENT = /^(?:test|tests|e2e|vitest|jest|pytest|playwright|mocha|test:[\w:-]+)$/
const BUILD_ARGUMENT = /^(?:build|compile|tsc|typecheck|build:[\w:-]+)$/

/** The words of each simple command of a script, split on `&&`, `||`, `;`, `|` and new lines. */
function segments(script: string): string[][] {
  return script
    .split(/&&|\|\||[;|\n]/)
    .map((segment) => segment.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0)
}

/** The program and its arguments, past assignments (`CI=1`) and wrappers (`sudo`, `timeout 60`). */
function programOf(words: string[]): { program: string; args: string[] } | null {
  let index = 0
  while (index < words.length) {
    const word = words[index]
    if (/^[A-Za-z_]\w*=/.test(word)) index += 1
    else if (WRAPPERS.has(word)) index += 1
    else if (word === 'timeout') index += words[index + 1] && /^\d/.test(words[index + 1]) ? 2 : 1
    else break
  }
  const first = words[index]
  if (!first) return null
  const program = first.replace(/^['"(]+|['")]+$/g, '').replace(/^.*\//, '')
  return { program, args: words.slice(index + 1) }
}

function familyOf(program: string, args: string[]): CommandFamily {
  if (TEST_RUNNERS.has(program)) return 'test'
  if (program === 'git' || program === 'gh') return 'git'
  if (REMOVE_TOOLS.has(program)) return 'remove'
  const runsTests = args.some((arg) => TEST_ARGUMENT.test(arg))
  const builds = args.some((arg) => BUILD_ARGUMENT.test(arg))
  const interpreter = /^python[\d.]*$/.test(program) || program === 'node'
  if ((PACKAGE_MANAGERS.has(program) || BUILD_TOOLS.has(program) || interpreter) && runsTests) return 'test'
  if (BUILD_TOOLS.has(program) || (PACKAGE_MANAGERS.has(program) && builds)) return 'build'
  if (PACKAGE_MANAGERS.has(program)) return 'package'
  if (SEARCH_TOOLS.has(program)) return 'search'
  if (READ_TOOLS.has(program)) return 'read'
  return 'other'
}

/** The family of a shell script; null when there is no script. */
export function commandFamily(command: string | null | undefined): CommandFamily | null {
  if (!command?.trim()) return null
  let fallback: CommandFamily | null = null
  for (const words of segments(command)) {
    const found = programOf(words)
    if (!found) continue
    if (PREPARATION.has(found.program) || found.program === 'echo') {
      fallback ??= found.program === 'echo' ? 'other' : null
      continue
    }
    return familyOf(found.program, found.args)
  }
  return fallback ?? 'other'
}
