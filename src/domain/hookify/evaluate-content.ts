/**
 * The hookify gate's decision for one piece of content on its way to the coach. It judges the
 * content itself (the original judged the whole session whenever one was loaded, so adding a
 * harmless event could be blocked by something else entirely). `info` rules never count.
 */
import { highestSeverity, type Severity, severityRank } from '~/domain/misalignments/severity'
import { type InstructionRule, isCheckable } from '~/domain/rules/instruction-rule'
import { findViolation, type RuleViolation } from '~/domain/rules/rule-matcher'
import { type HookSeverity, type HookSource, isBlocking, MAX_DECISION_RULES } from './gate'

export type GateRule = Pick<
  InstructionRule,
  'ruleId' | 'heading' | 'summary' | 'severity' | 'forbiddenCommands' | 'forbiddenPhrases'
>

export interface GateRuleHit {
  id: string
  title: string
  summary: string
  severity: Severity
  violation: RuleViolation
}

export interface GateEvaluation {
  severity: HookSeverity
  blocked: boolean
  /** The matched rules, most severe first, at most MAX_DECISION_RULES. */
  rules: GateRuleHit[]
  message: string | null
  /** Markdown notes that go in front of the content when it is not blocked. */
  annotations: string | null
}

const LABELS: Record<Severity, string> = {
  info: 'INFO',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
}

/**
 * `remediating`: the rules a remediation prompt is about. Such a prompt carries the rule's own
 * evidence, so those rules annotate it but never block it (or remediation of a high rule could
 * never reach the coach); every other rule judges it as usual.
 */
export function evaluateContent(
  rules: readonly GateRule[],
  content: string,
  source: HookSource,
  remediating: ReadonlySet<string> = new Set(),
): GateEvaluation {
  const hits: GateRuleHit[] = []
  for (const rule of rules) {
    if (!isCheckable(rule)) continue
    const violation = findViolation(rule, content)
    if (violation) {
      hits.push({ id: rule.ruleId, title: rule.heading, summary: rule.summary, severity: rule.severity, violation })
    }
  }
  if (hits.length === 0) return { severity: 'none', blocked: false, rules: [], message: null, annotations: null }
  hits.sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
  const kept = hits.slice(0, MAX_DECISION_RULES)
  const judging = kept.filter((hit) => !remediating.has(hit.id))
  const primary = judging[0] ?? kept[0]
  const severity: HookSeverity = highestSeverity(judging.map((hit) => hit.severity)) ?? 'none'
  const blocked = isBlocking(severity)
  const message = blocked
    ? `Rule ${primary.id} (${primary.title}) blocks this: the content contains \`${primary.violation.pattern}\`. Document the remediation first, or add content without it.`
    : judging.length === 0
      ? `Remediating rule ${primary.id} (${primary.title}).`
      : `Rule ${primary.id} (${primary.title}) must guide this coach prompt.`
  const annotations = [
    `## Hookify Alignment Notes (source: ${source})`,
    '',
    ...kept.map(
      (hit, index) =>
        `${index + 1}. [${LABELS[hit.severity]}] ${hit.title}: ${hit.summary} (matched \`${hit.violation.pattern}\`)`,
    ),
  ].join('\n')
  return { severity, blocked, rules: kept, message, annotations }
}
