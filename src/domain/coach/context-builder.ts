/**
 * The session context a coach reply starts from, as `# Heading` blocks within a token budget.
 * Sections have a trim priority (a higher number goes first); a section over the budget loses
 * lines from its end, and one that cannot keep a single line is left out. Token counts are the
 * usual estimate of four characters per token: good enough to stay inside a context window.
 */
import { type EventDigest, eventDetail, eventLine } from './event-digest'
import type { ContextSummary } from './stream-protocol'

export const estimateTokens = (text: string) => Math.ceil(text.length / 4)

export interface SessionFacts {
  id: string
  title: string
  origin: string
  repoName: string | null
  branch: string | null
  commitSha: string | null
  cwd: string | null
  model: string | null
  startedAt: Date | null
  lastEventAt: Date | null
  eventCount: number
}

export interface MisalignmentFacts {
  id: string
  ruleId: string
  title: string
  summary: string
  severity: string
  status: string
  evidence: { message: string; eventIndex?: number }[]
  eventRange: { startIndex: number; endIndex: number } | null
}

export interface CoachContextInput {
  session: SessionFacts
  misalignments: MisalignmentFacts[]
  /** Events the user attached ("add to coach", `#N`). */
  attachedEvents: EventDigest[]
  recentEvents: EventDigest[]
}

interface Section {
  id: string
  heading: string
  priority: number
  lines: string[]
}

export function sessionFactLines(session: SessionFacts): string[] {
  return [
    `title: ${session.title}`,
    `session id: ${session.id}`,
    `agent: ${session.origin}`,
    session.repoName ? `repository: ${session.repoName}` : null,
    session.branch ? `branch: ${session.branch}` : null,
    session.commitSha ? `commit: ${session.commitSha}` : null,
    session.cwd ? `working directory: ${session.cwd}` : null,
    session.model ? `agent model: ${session.model}` : null,
    session.startedAt ? `started: ${session.startedAt.toISOString()}` : null,
    session.lastEventAt ? `last event: ${session.lastEventAt.toISOString()}` : null,
    `events: ${session.eventCount} (numbered #1–#${session.eventCount})`,
  ].filter((line): line is string => line !== null)
}

export function misalignmentLines(misalignment: MisalignmentFacts): string[] {
  const range = misalignment.eventRange
    ? ` (events #${misalignment.eventRange.startIndex + 1}–#${misalignment.eventRange.endIndex + 1})`
    : ''
  return [
    `- [${misalignment.severity.toUpperCase()}] ${misalignment.title} — ${misalignment.status}${range}: ${misalignment.summary}`,
    ...misalignment.evidence
      .slice(0, 3)
      .map(
        (item) =>
          `  - evidence${item.eventIndex === undefined ? '' : ` #${item.eventIndex + 1}`}: ${item.message.replace(/\s+/g, ' ').slice(0, 240)}`,
      ),
  ]
}

function sectionsOf(input: CoachContextInput): Section[] {
  const openMisalignments = input.misalignments.filter((m) => m.status !== 'dismissed')
  return [
    { id: 'session-meta', heading: 'Session', priority: 1, lines: sessionFactLines(input.session) },
    {
      id: 'misalignments',
      heading: 'Misalignments with the repository rules',
      priority: 2,
      lines: openMisalignments.flatMap(misalignmentLines),
    },
    {
      id: 'attached-events',
      heading: 'Events the user added',
      priority: 3,
      lines: input.attachedEvents.flatMap((event) => [...eventDetail(event).split('\n'), '']),
    },
    {
      id: 'recent-events',
      heading: 'Most recent events',
      priority: 4,
      lines: input.recentEvents.map((event) => eventLine(event)),
    },
  ].filter((section) => section.lines.length > 0)
}

const render = (section: Section) => `# ${section.heading}\n\n${section.lines.join('\n').trim()}`

export interface BuiltContext {
  /** The `# Heading` blocks, joined; empty when nothing fits. */
  text: string
  summary: ContextSummary
}

export function buildCoachContext(input: CoachContextInput, budgetTokens: number): BuiltContext {
  const sections = sectionsOf(input)
  const trimmed = new Set<string>()
  const total = () => sections.reduce((sum, section) => sum + estimateTokens(render(section)) + 1, 0)
  // Highest priority number first; within a section, lines go from the end (oldest detail last).
  for (const section of [...sections].sort((a, b) => b.priority - a.priority)) {
    while (total() > budgetTokens && section.lines.length > 0) {
      section.lines.pop()
      trimmed.add(section.id)
    }
    if (total() <= budgetTokens) break
  }
  const kept = sections.filter((section) => section.lines.length > 0)
  const text = kept.map(render).join('\n\n')
  return {
    text,
    summary: {
      sections: sectionsOf(input).map((section) => {
        const keptSection = kept.find((candidate) => candidate.id === section.id)
        return {
          id: section.id,
          heading: section.heading,
          tokens: keptSection ? estimateTokens(render(keptSection)) : 0,
          trimmed: trimmed.has(section.id),
        }
      }),
      usedTokens: estimateTokens(text),
      budgetTokens,
    },
  }
}
