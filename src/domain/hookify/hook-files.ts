/**
 * "Hooks that would have stopped it": from a rule's forbidden commands, a Claude Code hookify rule
 * file (`.claude/hookify.<name>.local.md`, Python regex) and a hooks entry for `PreToolUse` on Bash
 * that Claude Code (`.claude/settings.json`) and Codex (`.codex/hooks.json`) both read: the command
 * gets the tool call as JSON on stdin and exit code 2 blocks it with the message. The regexes follow
 * the matcher (rule-matcher.ts): words in order, a few words apart at most, flag clusters in any order.
 */

import type { Severity } from '~/domain/misalignments/severity'
import { commandTokens } from '~/domain/rules/rule-matcher'

export interface HookSubject {
  ruleId: string
  heading: string
  summary: string
  severity: Severity
  forbiddenCommands: readonly string[]
}

export interface GeneratedHooks {
  name: string
  hookifyPath: string
  hookifyFile: string
  hooksJsonPath: string
  hooksJson: string
  /** The regex both files use, in Python syntax (hookify). */
  pattern: string
}

type Dialect = 'python' | 'ere'

const SPACE: Record<Dialect, string> = { python: '\\s', ere: '[[:space:]]' }
const NOT_SPACE: Record<Dialect, string> = { python: '\\S', ere: '[^[:space:]]' }
const MAX_GAP_WORDS = 6

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function permutations(letters: string[]): string[][] {
  if (letters.length <= 1) return [letters]
  return letters.flatMap((letter, index) =>
    permutations([...letters.slice(0, index), ...letters.slice(index + 1)]).map((rest) => [letter, ...rest]),
  )
}

function tokenRegex(token: string) {
  const cluster = /^-([a-zA-Z]{2,4})$/.exec(token)
  if (!cluster) return escapeRegExp(token)
  // A short-flag cluster in any order (`-rf`, `-fr`, `-rfv`), as the matcher treats it.
  const orders = permutations([...new Set(cluster[1])]).map((order) => order.join('[a-zA-Z]*'))
  return `-[a-zA-Z]*(${orders.join('|')})[a-zA-Z]*`
}

export function commandPattern(command: string, dialect: Dialect): string {
  const tokens = commandTokens(command).map(tokenRegex)
  const space = SPACE[dialect]
  const gap = `(${space}+${NOT_SPACE[dialect]}+){0,${MAX_GAP_WORDS}}${space}+`
  const start = dialect === 'python' ? '(^|[\\s;&|(])' : '(^|[[:space:];&|(])'
  const end = dialect === 'python' ? '($|[\\s;&|)])' : '($|[[:space:];&|)])'
  return `${start}${tokens.join(gap)}${end}`
}

export function hookName(ruleId: string) {
  return (
    ruleId
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'rule'
  )
}

function shellSingleQuoted(text: string) {
  return `'${text.replaceAll("'", `'"'"'`)}'`
}

/** Null when the rule names no command (hooks on tool calls cannot see what an agent says). */
export function generateHooks(subject: HookSubject): GeneratedHooks | null {
  if (subject.forbiddenCommands.length === 0) return null
  const name = hookName(subject.ruleId)
  const pattern = subject.forbiddenCommands.map((command) => commandPattern(command, 'python')).join('|')
  const ere = subject.forbiddenCommands.map((command) => commandPattern(command, 'ere')).join('|')
  const block = subject.severity === 'high' || subject.severity === 'critical'
  const message = `${subject.heading} (${subject.severity}): ${subject.summary}`
  const hookifyFile = [
    '---',
    `name: ${name}`,
    'enabled: true',
    'event: bash',
    `pattern: ${JSON.stringify(pattern)}`,
    `action: ${block ? 'block' : 'warn'}`,
    '---',
    '',
    `**${subject.heading}** (${subject.severity}, rule \`${subject.ruleId}\`)`,
    '',
    subject.summary,
    '',
  ].join('\n')
  const check = `jq -r '.tool_input.command // empty' | grep -Eq ${shellSingleQuoted(ere)}`
  const command = `${check} && { echo ${shellSingleQuoted(message)} >&2; exit 2; } || exit 0`
  const hooksJson = `${JSON.stringify(
    { hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command }] }] } },
    null,
    2,
  )}\n`
  return {
    name,
    hookifyPath: `.claude/hookify.${name}.local.md`,
    hookifyFile,
    hooksJsonPath: '.claude/settings.json or .codex/hooks.json',
    hooksJson,
    pattern,
  }
}
