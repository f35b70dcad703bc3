/**
 * The offline coach: answers composed from the session itself (events, misalignments with their
 * evidence) without a language model. Deterministic, so the same question about the same session
 * gives the same answer — the session summary and commit suggestions of the original product's
 * "analyze" (§5.8 of the product notes), `#N` explanations, and misalignment reviews.
 */
import type { CoachContextInput, MisalignmentFacts } from './context-builder'
import { sessionFactLines } from './context-builder'
import { clip, type EventDigest, eventLine } from './event-digest'

const BULLET_CHARS = 160
const COMMIT_SUBJECT_CHARS = 72
const MAX_COMMITS = 5

/** An event as a timeline tool returned it. */
export interface FetchedEvent {
  number: number
  type: string
  /** The multi-line detail (`eventDetail`). */
  detail: string
  exitCode: number | null
}

export interface OfflineQuestion {
  prompt: string
  mode: 'session' | 'general'
  context: CoachContextInput
  /** The session's first user messages: what the agent was asked to do. */
  openingRequests: EventDigest[]
  /** Events the tools fetched for this reply (attached and `#N` ones). */
  fetchedEvents: FetchedEvent[]
  misalignmentId?: string
}

const bullet = (text: string) => `- ${clip(text, BULLET_CHARS)}`
const isOpen = (m: MisalignmentFacts) => m.status !== 'dismissed'
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** Sentences of the user's requests, as the goals of the session. */
function goals(openingRequests: EventDigest[]) {
  const sentences = openingRequests
    .flatMap((event) => event.summary.split(/(?<=[.!?])\s+|\n+/))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 3)
  return sentences.slice(0, 5)
}

export function sessionSummaryMarkdown(input: { context: CoachContextInput; openingRequests: EventDigest[] }): string {
  const { context } = input
  const goalLines = goals(input.openingRequests)
  const changes = context.recentEvents.slice(-12)
  const issues = context.misalignments.filter(isOpen)
  const failedCommands = context.recentEvents.filter((event) => event.exitCode !== null && event.exitCode !== 0)
  const followUps = [
    ...issues.map((m) => `Resolve "${m.title}" (${m.severity}) or dismiss it with a reason.`),
    ...failedCommands
      .slice(-3)
      .map(
        (event) =>
          `Re-run #${event.number} (${clip(event.command ?? event.type, 60)}), which exited ${event.exitCode}.`,
      ),
  ]
  return [
    `## Goals`,
    ...(goalLines.length ? goalLines.map(bullet) : ['- No user request was found in this session.']),
    '',
    '## Main changes',
    ...(changes.length ? changes.map((event) => bullet(eventLine(event, BULLET_CHARS))) : ['- No events yet.']),
    '',
    '## Issues',
    ...(issues.length
      ? issues.map((m) => bullet(`[${m.severity}] ${m.title}: ${m.summary}`))
      : ['- No open misalignments with the repository rules.']),
    '',
    '## Follow-ups',
    ...(followUps.length ? followUps.map(bullet) : ['- Nothing pending: commit and move on.']),
  ].join('\n')
}

/** A Conventional Commit subject of at most 72 characters. */
function subject(type: string, text: string) {
  const flat = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.:]+$/, '')
  const line = `${type}: ${flat.charAt(0).toLowerCase()}${flat.slice(1)}`
  return line.length <= COMMIT_SUBJECT_CHARS ? line : `${line.slice(0, COMMIT_SUBJECT_CHARS - 1).trimEnd()}…`
}

export function commitMessageSuggestions(context: CoachContextInput): string[] {
  const messages = context.misalignments.filter(isOpen).map((m) => subject('fix(agents)', `address ${m.title}`))
  const changed = context.recentEvents.filter((event) => event.type === 'FileChange' || event.path)
  for (const event of changed.reverse()) {
    if (messages.length >= MAX_COMMITS) break
    const what = event.path ? `update ${event.path.split('/').slice(-2).join('/')}` : clip(event.summary, 60)
    const line = subject('chore(session)', what)
    if (!messages.includes(line)) messages.push(line)
  }
  if (messages.length === 0) messages.push('chore(session): document current findings')
  return messages.slice(0, MAX_COMMITS)
}

function explainEvents(question: OfflineQuestion) {
  const lines: string[] = []
  for (const event of question.fetchedEvents) {
    lines.push(`### Event #${event.number} · ${event.type}`, '', '```text', event.detail, '```')
    const citing = question.context.misalignments.filter(
      (m) =>
        m.evidence.some((item) => item.eventIndex === event.number - 1) ||
        (m.eventRange && m.eventRange.startIndex <= event.number - 1 && event.number - 1 <= m.eventRange.endIndex),
    )
    if (citing.length) {
      lines.push(
        '',
        `Cited by ${plural(citing.length, 'misalignment')}:`,
        ...citing.map((m) => bullet(`[${m.severity}] ${m.title} — ${m.summary}`)),
      )
    }
    if (event.exitCode !== null && event.exitCode !== 0) {
      lines.push(
        '',
        `The command failed (exit ${event.exitCode}); check what the agent did next before trusting later results.`,
      )
    }
    lines.push('')
  }
  if (question.fetchedEvents.length === 0) {
    lines.push(
      `None of the referenced events exist in this session (it has events #1–#${question.context.session.eventCount}).`,
    )
  }
  return lines.join('\n').trim()
}

function explainMisalignments(misalignments: MisalignmentFacts[]) {
  if (misalignments.length === 0) {
    return 'No misalignments are recorded for this session: either the agent kept to the repository rules, or no rules are known for it yet.'
  }
  return misalignments
    .map((m) =>
      [
        `### ${m.title} (${m.severity}, ${m.status})`,
        '',
        m.summary,
        m.eventRange ? `\nEvents #${m.eventRange.startIndex + 1}–#${m.eventRange.endIndex + 1}.` : '',
        m.evidence.length ? '\nEvidence:' : '',
        ...m.evidence
          .slice(0, 5)
          .map((item) => bullet(`${item.eventIndex === undefined ? '' : `#${item.eventIndex + 1}: `}${item.message}`)),
        '',
        m.status === 'open'
          ? `To remediate: state the rule (\`${m.ruleId}\`) in the agent's next prompt, undo what the evidence shows, and acknowledge the misalignment once done.`
          : '',
      ]
        .filter((line) => line !== '')
        .join('\n'),
    )
    .join('\n\n')
}

const CAPABILITIES = [
  '- **summary** — goals, main changes, issues and follow-ups of this session',
  '- **commit messages** — Conventional Commit subjects for what the session changed',
  '- **#N** — mention an event number (e.g. `#12`) and I explain that event and the rules it touches',
  '- **misalignments** — where the agent strayed from the repository rules, with evidence',
]

function overview(question: OfflineQuestion) {
  const { context } = question
  const open = context.misalignments.filter(isOpen)
  return [
    `This is **${context.session.title}**: ${plural(context.session.eventCount, 'event')}, ${plural(open.length, 'open misalignment')}.`,
    '',
    ...sessionFactLines(context.session).map((line) => `- ${line}`),
    '',
    'The offline coach answers from the session itself. Ask for:',
    ...CAPABILITIES,
  ].join('\n')
}

/** The reply to one question, as markdown. */
export function composeOfflineReply(question: OfflineQuestion): string {
  if (question.mode === 'general') {
    return [
      'The offline coach answers questions about a session, not general ones: it has no language model.',
      'Open the session mode and ask for:',
      ...CAPABILITIES,
      '',
      'To chat freely, set `COACH_PROVIDER=openai-compatible` with `OPENAI_COMPATIBLE_BASE_URL` (LM Studio, Ollama, vLLM, OpenAI…).',
    ].join('\n')
  }
  const prompt = question.prompt.toLowerCase()
  const parts: string[] = []
  if (question.fetchedEvents.length > 0 || /#\d/.test(prompt)) parts.push(explainEvents(question))
  if (question.misalignmentId) {
    const target = question.context.misalignments.filter((m) => m.id === question.misalignmentId)
    parts.push(explainMisalignments(target.length ? target : question.context.misalignments))
  } else if (/misalign|rule|stray|wrong|violat/.test(prompt)) {
    parts.push(explainMisalignments(question.context.misalignments.filter(isOpen)))
  }
  if (/summar|recap|overview|what happened/.test(prompt)) parts.push(sessionSummaryMarkdown(question))
  if (/commit/.test(prompt)) {
    parts.push(
      [
        '## Commit message suggestions',
        '',
        ...commitMessageSuggestions(question.context).map((line) => `- \`${line}\``),
      ].join('\n'),
    )
  }
  if (parts.length === 0) parts.push(overview(question))
  return parts.join('\n\n')
}
