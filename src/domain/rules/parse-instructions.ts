/**
 * Turns an instruction file (AGENTS.md, CLAUDE.md, GEMINI.md, .ruler/*.md, .cursor/rules/*.mdc,
 * docs/agents/**) into rules: every list item and every paragraph is one rule, named after its
 * section, with its line. Code spans in the part of a rule that forbids something
 * ("Never run `rm -rf` …", "Do not commit with `--no-verify`; …") become forbidden commands,
 * double-quoted text there forbidden phrases; the rest of the rule's spans and quotes are what it
 * asks for. Front matter, code fences, tables and HTML comments are not rules.
 */
import type { Severity } from '~/domain/misalignments/severity'
import type { InstructionRule } from './instruction-rule'

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/
const LIST_ITEM = /^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$/
const FENCE = /^\s*(```|~~~)/
const MAX_SUMMARY_CHARS = 500
const MAX_RULE_ID_CHARS = 80
const MAX_KEYWORDS = 12
const MAX_PATTERN_CHARS = 200

const HIGH = [
  /\bnever\b/i,
  /\bdo not\b/i,
  /\bmust not\b/i,
  /\bmustn['’]t\b/i,
  /\bcritical\b/i,
  /\bforbidden\b/i,
  /\bprohibited\b/i,
]
const MEDIUM = [/\bavoid\b/i, /\bshould not\b/i, /\bshouldn['’]t\b/i, /\bdon['’]t\b/i]
const LOW = [/\bprefers?\b/i, /\bconsider\b/i]
/** Words that make (the first part of) a rule a prohibition. */
const NEGATION =
  /\b(never|do not|must not|mustn['’]t|should not|shouldn['’]t|don['’]t|avoid|forbidden|prohibited|no longer)\b/i
/** Where a prohibition ends and what to do instead begins. */
const CLAUSE_END = /;|\s->\s|\s→\s|\binstead\b|,\s*(?:use|run|prefer)\b|\.\s+(?:use|run|prefer)\b/i

const STOP_WORDS = new Set(
  'the and or for with use using via how when what rules core idioms checklist intro introduction avoid render loop never not do does must should always before after from into this that your you are was were its it'.split(
    ' ',
  ),
)

interface Block {
  text: string
  line: number
  section: string
}

export function severityOf(text: string): Severity {
  if (HIGH.some((pattern) => pattern.test(text))) return 'high'
  if (MEDIUM.some((pattern) => pattern.test(text))) return 'medium'
  if (LOW.some((pattern) => pattern.test(text))) return 'low'
  return 'info'
}

/** Markdown emphasis, links and HTML tags off; code spans kept (they carry the commands). */
function plain(text: string) {
  return text
    .replace(/<!--.*?-->/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|\W)[*_]([^*_]+)[*_](?=\W|$)/g, '$1$2')
    .replace(/<\/?[a-zA-Z][^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim()
}

function slug(text: string) {
  return text
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}

function firstWords(text: string, count: number) {
  const words = text.replace(/`/g, '').split(/\s+/).filter(Boolean)
  const head = words
    .slice(0, count)
    .join(' ')
    .replace(/[:;,.]+$/, '')
  return words.length > count ? `${head}…` : head
}

function codeSpans(text: string) {
  return [...text.matchAll(/`([^`]+)`/g)]
    .map((match) => match[1].trim())
    .filter((span) => span.length > 0 && span.length <= MAX_PATTERN_CHARS)
}

function quotedPhrases(text: string) {
  const withoutCode = text.replace(/`[^`]*`/g, ' ')
  return [...withoutCode.matchAll(/"([^"]{3,120})"|“([^”]{3,120})”/g)]
    .map((match) => (match[1] ?? match[2]).trim())
    .filter((phrase) => phrase.length >= 3)
}

function keywordsOf(text: string) {
  const seen = new Set<string>()
  for (const token of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (token.length > 2 && !STOP_WORDS.has(token)) seen.add(token)
    if (seen.size >= MAX_KEYWORDS) break
  }
  return [...seen]
}

const unique = (values: string[]) => [...new Set(values)]

/** The prohibited part of a rule (from its start to where "instead"/"; use …" begins), or null. */
function prohibitionOf(text: string) {
  const negation = NEGATION.exec(text)
  if (!negation) return null
  const after = negation.index + negation[0].length
  const end = CLAUSE_END.exec(text.slice(after))
  const cut = end ? after + end.index : text.length
  return { forbidden: text.slice(0, cut), rest: text.slice(cut) }
}

/** Splits the file into list items and paragraphs, each with its section and first line. */
function blocksOf(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/)
  const blocks: Block[] = []
  let section = 'Introduction'
  let current: { parts: string[]; line: number; indent: number; list: boolean } | null = null
  let inFence = false
  let start = 0
  const flush = () => {
    if (current) blocks.push({ text: current.parts.join(' '), line: current.line, section })
    current = null
  }
  // YAML front matter (Cursor .mdc rules) is metadata, not a rule.
  if (lines[0]?.trim() === '---') {
    const close = lines.findIndex((line, index) => index > 0 && line.trim() === '---')
    if (close > 0) start = close + 1
  }
  for (let index = start; index < lines.length; index++) {
    const raw = lines[index]
    const lineNumber = index + 1
    if (FENCE.test(raw)) {
      flush()
      inFence = !inFence
      continue
    }
    if (inFence) continue
    const trimmed = raw.trim()
    if (trimmed === '' || /^(\||<!--|-{3,}$|\*{3,}$|_{3,}$)/.test(trimmed)) {
      flush()
      continue
    }
    const heading = HEADING.exec(trimmed)
    if (heading && !/^\s{4,}/.test(raw)) {
      flush()
      section = plain(heading[2]).replace(/`/g, '') || section
      continue
    }
    const item = LIST_ITEM.exec(raw)
    if (item) {
      flush()
      current = { parts: [item[2].trim()], line: lineNumber, indent: item[1].length, list: true }
      continue
    }
    const text = trimmed.replace(/^>\s?/, '')
    if (current && (!current.list || raw.search(/\S/) > current.indent)) {
      current.parts.push(text)
      continue
    }
    flush()
    current = { parts: [text], line: lineNumber, indent: raw.search(/\S/), list: false }
  }
  flush()
  return blocks
}

export function parseInstructions(markdown: string, sourcePath: string | null): InstructionRule[] {
  const rules: InstructionRule[] = []
  const takenIds = new Set<string>()
  for (const block of blocksOf(markdown)) {
    const text = plain(block.text)
    if (text.replace(/[`\W]/g, '').length < 5) continue
    const severity = severityOf(text)
    const prohibition = severity === 'info' || severity === 'low' ? null : prohibitionOf(text)
    const forbiddenPart = prohibition?.forbidden ?? ''
    const requiredPart = prohibition ? prohibition.rest : text
    const base = `${slug(block.section)}-${slug(firstWords(text, 6))}`.slice(0, MAX_RULE_ID_CHARS).replace(/-+$/, '')
    let ruleId = base || 'rule'
    for (let n = 2; takenIds.has(ruleId); n++) ruleId = `${base}-${n}`
    takenIds.add(ruleId)
    rules.push({
      ruleId,
      heading: `${block.section}: ${firstWords(text, 8)}`,
      summary: text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text,
      severity,
      keywords: keywordsOf(text.replace(/`[^`]*`/g, ' ')),
      forbiddenCommands: unique(codeSpans(forbiddenPart)),
      requiredCommands: unique(codeSpans(requiredPart)),
      forbiddenPhrases: unique(quotedPhrases(forbiddenPart)),
      requiredPhrases: unique(quotedPhrases(requiredPart)),
      sourcePath,
      sourceLine: block.line,
    })
  }
  return rules
}
