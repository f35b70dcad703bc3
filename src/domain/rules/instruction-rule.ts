import type { Severity } from '~/domain/misalignments/severity'

/**
 * One rule taken from an instruction file (AGENTS.md, CLAUDE.md, …). Only the forbidden commands
 * and phrases are ever matched against what an agent did: a rule without either is listed but can
 * never fire, which is better than guessing from single common words (the original's noise).
 */
export interface InstructionRule {
  /** Stable within a session: a slug of the section and the rule's first words. */
  ruleId: string
  /** `Section: first words of the rule`. */
  heading: string
  /** The rule's text on one line, as written. */
  summary: string
  severity: Severity
  keywords: string[]
  /** Commands (from code spans) the rule says not to run. */
  forbiddenCommands: string[]
  /** Commands the rule asks for (kept for the coach and generated hooks; absence is not flagged). */
  requiredCommands: string[]
  /** Quoted phrases the rule says not to say or write. */
  forbiddenPhrases: string[]
  requiredPhrases: string[]
  /** The instruction file, relative to the repository root (or the name it was uploaded as). */
  sourcePath: string | null
  /** 1-based line of the rule in that file. */
  sourceLine: number | null
}

/** What matching needs of a rule. */
export type RulePatterns = Pick<InstructionRule, 'forbiddenCommands' | 'forbiddenPhrases'>

/** A rule that can fire: it counts (not `info`) and names something to look for. */
export function isCheckable(rule: Pick<InstructionRule, 'severity'> & RulePatterns) {
  return rule.severity !== 'info' && (rule.forbiddenCommands.length > 0 || rule.forbiddenPhrases.length > 0)
}
