/**
 * Precision first: a rule fires on the commands and phrases it names, never on single common
 * words. A command matches when its words appear in order inside one shell segment (so
 * `git push origin main --force` matches `git push --force`, and `--force-with-lease` does not);
 * a short-flag cluster matches in any letter order (`rm -fr` is `rm -rf`). Phrases match as whole
 * words, case-insensitively, with any whitespace between them.
 */
import type { RulePatterns } from './instruction-rule'

export interface RuleViolation {
  /** The rule's command or phrase that matched. */
  pattern: string
  kind: 'command' | 'phrase'
  /** The segment or sentence of the text where it matched (at most EXCERPT_CHARS). */
  excerpt: string
}

const EXCERPT_CHARS = 240
const SEGMENT_SEPARATORS = /\r?\n|&&|\|\||;|\|/

/** Quotes, brackets and separators that JSON or prose put around a word of a command. */
function cleanToken(token: string) {
  return token.replace(/^[\s"'`([{<]+/, '').replace(/[\s"'`,)\]}>:]+$/, '')
}

export function commandTokens(text: string): string[] {
  return text
    .split(/\s+/)
    .map(cleanToken)
    .filter((token) => token.length > 0)
}

const SHORT_FLAG_CLUSTER = /^-[a-zA-Z]{2,}$/

function tokenMatches(wanted: string, actual: string) {
  if (wanted === actual) return true
  // A folder (`generated/`) covers every path below it.
  if (wanted.endsWith('/') && wanted.length > 1 && (actual.startsWith(wanted) || actual.includes(`/${wanted}`))) {
    return true
  }
  if (SHORT_FLAG_CLUSTER.test(wanted) && /^-[a-zA-Z]+$/.test(actual)) {
    const letters = new Set(actual.slice(1))
    return [...wanted.slice(1)].every((letter) => letters.has(letter))
  }
  return false
}

/** Extra words allowed between a command's words (`git push origin main --force`), no more. */
const MAX_GAP_TOKENS = 6

/** Words that run the command after them (`sudo rm -rf`, `bash -lc "rm -rf dist"`). */
const COMMAND_PREFIXES = new Set([
  'sudo',
  'env',
  'nohup',
  'time',
  'command',
  'exec',
  'xargs',
  'bash',
  'sh',
  'zsh',
  'then',
  'do',
])

/** In an executed command, a program name counts only where a program runs, not as an argument (`echo "rm -rf"`). */
function runsHere(segment: readonly string[], index: number) {
  for (let i = 0; i < index; i++) {
    const token = segment[i]
    if (!COMMAND_PREFIXES.has(token) && !/^-/.test(token) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(token)) return false
  }
  return true
}

/**
 * True when `wanted` appears in `segment` in order, within a short window from its first word.
 * `action`: the segment is a command that ran, so a leading program name must be in command position.
 */
function containsInOrder(segment: readonly string[], wanted: readonly string[], mode: MatchMode) {
  if (wanted.length === 0) return false
  const anywhere = mode === 'text' || wanted[0].startsWith('-')
  for (let start = 0; start < segment.length; start++) {
    if (!tokenMatches(wanted[0], segment[start])) continue
    if (!anywhere && !runsHere(segment, start)) continue
    const end = Math.min(segment.length, start + wanted.length + MAX_GAP_TOKENS)
    let next = 1
    for (let index = start + 1; index < end && next < wanted.length; index++) {
      if (tokenMatches(wanted[next], segment[index])) next++
    }
    if (next === wanted.length) return true
  }
  return false
}

function excerptOf(text: string) {
  const line = text.trim().replace(/\s+/g, ' ')
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line
}

/** `action`: `text` is a command the agent ran; `text`: prose or JSON that may mention commands anywhere. */
export type MatchMode = 'action' | 'text'

export function findCommand(command: string, text: string, mode: MatchMode = 'text'): string | null {
  const wanted = commandTokens(command)
  if (wanted.length === 0) return null
  for (const segment of text.split(SEGMENT_SEPARATORS)) {
    if (containsInOrder(commandTokens(segment), wanted, mode)) return excerptOf(segment)
  }
  return null
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

export function phraseRegExp(phrase: string) {
  const body = phrase.trim().split(/\s+/).map(escapeRegExp).join('\\s+')
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu')
}

export function findPhrase(phrase: string, text: string): string | null {
  const match = phraseRegExp(phrase).exec(text)
  if (!match) return null
  const start = Math.max(0, match.index - 80)
  return excerptOf(text.slice(start, match.index + match[0].length + 80))
}

/** The first forbidden command or phrase of `rule` found in `text`, or null. */
export function findViolation(rule: RulePatterns, text: string): RuleViolation | null {
  for (const command of rule.forbiddenCommands) {
    const excerpt = findCommand(command, text)
    if (excerpt !== null) return { pattern: command, kind: 'command', excerpt }
  }
  for (const phrase of rule.forbiddenPhrases) {
    const excerpt = findPhrase(phrase, text)
    if (excerpt !== null) return { pattern: phrase, kind: 'phrase', excerpt }
  }
  return null
}
