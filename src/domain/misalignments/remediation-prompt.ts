/** The coach prompt "review" starts for a misalignment (event numbers as the UI shows them, #ordinal+1). */
import type { EventRange, MisalignmentEvidence } from './evidence'
import type { Severity } from './severity'

export interface RemediationSubject {
  ruleId: string
  title: string
  summary: string
  severity: Severity
  eventRange: EventRange | null
  evidence: readonly MisalignmentEvidence[]
}

const MAX_EVIDENCE_LINES = 5

export function remediationPrompt(subject: RemediationSubject): string {
  const range = subject.eventRange
    ? ` It was flagged around events #${subject.eventRange.startIndex + 1}–#${subject.eventRange.endIndex + 1}.`
    : ''
  const evidence = subject.evidence
    .slice(0, MAX_EVIDENCE_LINES)
    .map((item) => `- ${item.eventIndex === undefined ? '' : `#${item.eventIndex + 1}: `}${item.message}`)
  return [
    `Remediate AGENT rule ${subject.ruleId} "${subject.title}" (${subject.severity}).${range}`,
    '',
    `Rule: ${subject.summary}`,
    '',
    'Evidence:',
    ...evidence,
    '',
    'Outline concrete steps to resolve these violations and confirm mitigations.',
  ].join('\n')
}
