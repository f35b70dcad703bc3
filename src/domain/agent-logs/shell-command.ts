/**
 * Shell commands as agents record them: an argv array (`["bash","-lc","git status"]`) or a
 * string. The timeline shows the script a person would have typed.
 */
const SHELL_WRAPPERS = new Set([
  'bash',
  'sh',
  'zsh',
  '/bin/bash',
  '/bin/sh',
  '/bin/zsh',
  '/usr/bin/bash',
  'pwsh',
  'powershell',
])
const SCRIPT_FLAGS = new Set(['-c', '-lc', '-ic', '-Command'])

export function commandText(command: unknown): string | null {
  if (typeof command === 'string') return command
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) return null
  const argv = command as string[]
  if (argv.length === 3 && SHELL_WRAPPERS.has(argv[0]) && SCRIPT_FLAGS.has(argv[1])) return argv[2]
  return argv.map(quoteArgument).join(' ')
}

function quoteArgument(argument: string) {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`
}

export interface ShellOutput {
  stdout: string
  exitCode: number | null
  durationMs: number | null
}

/**
 * Codex shell outputs come as JSON `{output, metadata: {exit_code, duration_seconds}}` (older
 * CLIs) or as text with a header (`Process exited with code 0`, `Wall time: 0.5 seconds`,
 * `Output:` then the output). Anything else is kept as plain stdout. `json` is `tryJson(output)`,
 * for a caller that has it already.
 */
export function parseShellOutput(output: string, json: unknown = tryJson(output)): ShellOutput {
  if (json && typeof json === 'object' && !Array.isArray(json) && 'output' in json) {
    const record = json as { output?: unknown; metadata?: { exit_code?: unknown; duration_seconds?: unknown } }
    const seconds = record.metadata?.duration_seconds
    return {
      stdout: typeof record.output === 'string' ? record.output : JSON.stringify(record.output ?? ''),
      exitCode: typeof record.metadata?.exit_code === 'number' ? record.metadata.exit_code : null,
      durationMs: typeof seconds === 'number' ? Math.round(seconds * 1000) : null,
    }
  }
  const exited = /^Process exited with code (-?\d+)$/m.exec(output)
  const wall = /^Wall time: ([\d.]+) seconds$/m.exec(output)
  const body = /^Output:\n([\s\S]*)$/m.exec(output)
  if (exited || (wall && body)) {
    return {
      stdout: body ? body[1] : output,
      exitCode: exited ? Number(exited[1]) : null,
      durationMs: wall ? Math.round(Number(wall[1]) * 1000) : null,
    }
  }
  return { stdout: output, exitCode: null, durationMs: null }
}

/** The JSON value of `text` when it is an object or array; undefined (cheaply) otherwise. */
export function tryJson(text: string): unknown {
  // The first and last non-space characters, found without a regex over the whole text (outputs
  // run to 32 KB and most are not JSON).
  let from = 0
  while (from < text.length && isWhitespace(text.charCodeAt(from))) from++
  let to = text.length - 1
  while (to > from && isWhitespace(text.charCodeAt(to))) to--
  if (from >= text.length) return undefined
  const pair = text[from] + text[to]
  // Throwing is slow, so text that cannot be a JSON object or array is not even tried.
  if (pair !== '{}' && pair !== '[]') return undefined
  if (pair === '[]' && !/^\s*\[\s*[[{"\d\-tfn\]]/.test(text)) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Exactly what `\s` matches in a regular expression. */
function isWhitespace(code: number) {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0xfeff ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x1680 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  )
}

/** The files an `apply_patch` envelope touches, in order, without duplicates. */
export function patchPaths(patch: string): string[] {
  const paths: string[] = []
  for (const match of patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$|^\*\*\* Move to: (.+)$/gm)) {
    const path = (match[1] ?? match[2]).trim()
    if (path && !paths.includes(path)) paths.push(path)
  }
  return paths
}
