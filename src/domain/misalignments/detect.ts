/**
 * Misalignment detection: which of a session's rules its agent broke, with the events that show it.
 * Only what the agent did counts — its commands, tool calls and file changes for a rule's
 * commands, its own messages for a rule's phrases — never what the user typed (a user quoting a
 * rule is not a violation). `info` rules and rules that name nothing to match never fire.
 *
 * A detector is fed the timeline in pages (sessions can hold hundreds of thousands of events) and
 * keeps, per rule, the range and the first MAX_EVIDENCE events.
 */
import { type InstructionRule, isCheckable } from '~/domain/rules/instruction-rule'
import { findCommand, findPhrase } from '~/domain/rules/rule-matcher'
import type { EventRange, MisalignmentEvidence } from './evidence'
import type { Severity } from './severity'

export const MAX_EVIDENCE = 20

export type DetectionRule = Pick<
  InstructionRule,
  'ruleId' | 'heading' | 'summary' | 'severity' | 'forbiddenCommands' | 'forbiddenPhrases'
>

export interface DetectionEvent {
  ordinal: number
  type: string
  role: string | null
  /** ISO 8601, or null when the log had no time for the event. */
  at: string | null
  eventKey: string | null
  name: string | null
  command: string | null
  path: string | null
  summary: string
  payload: Record<string, unknown>
}

export interface DetectedRuleMisalignment {
  ruleId: string
  title: string
  summary: string
  severity: Severity
  eventRange: EventRange
  evidence: MisalignmentEvidence[]
  /** Every matching event, also beyond the evidence kept. */
  eventCount: number
}

const ACTION_TYPES = new Set(['LocalShellCall', 'FunctionCall', 'CustomToolCall', 'FileChange'])

const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [])

/** What the agent ran or changed in this event, as text a command pattern is matched against. */
export function actionTextOf(event: DetectionEvent): string | null {
  if (!ACTION_TYPES.has(event.type) || event.role === 'user') return null
  if (event.command) return event.command
  if (event.type === 'FileChange') {
    const paths = strings(event.payload.paths)
    return (paths.length > 0 ? paths : [event.path ?? '']).join('\n')
  }
  return commandInArguments(event.payload.args ?? event.payload.input) ?? event.summary
}

/** A tool call's command, whether its arguments hold it as a string or as an argv array. */
function commandInArguments(args: unknown): string | null {
  if (typeof args === 'string') return args
  if (!args || typeof args !== 'object') return null
  const record = args as Record<string, unknown>
  for (const key of ['command', 'cmd', 'script']) {
    const value = record[key]
    if (typeof value === 'string') return value
    const argv = strings(value)
    if (argv.length > 0) return argv.join(' ')
  }
  return null
}

/** What the agent said in this event (its own messages only). */
export function messageTextOf(event: DetectionEvent): string | null {
  if (event.type !== 'Message' || event.role !== 'assistant') return null
  return typeof event.payload.content === 'string' ? event.payload.content : event.summary
}

interface Accumulated {
  rule: DetectionRule
  range: EventRange
  evidence: MisalignmentEvidence[]
  eventCount: number
}

function highlightOf(event: DetectionEvent) {
  return event.at ? `event #${event.ordinal + 1} • ${event.at}` : `event #${event.ordinal + 1}`
}

export type Detector = ReturnType<typeof createDetector>

export function createDetector(rules: readonly DetectionRule[]) {
  const checkable = rules.filter(isCheckable)
  const found = new Map<string, Accumulated>()

  function record(rule: DetectionRule, event: DetectionEvent, excerpt: string) {
    const at = event.at ?? ''
    const entry = found.get(rule.ruleId)
    if (!entry) {
      found.set(rule.ruleId, {
        rule,
        range: { startIndex: event.ordinal, endIndex: event.ordinal, startAt: at, endAt: at },
        evidence: [],
        eventCount: 0,
      })
    }
    const current = found.get(rule.ruleId) as Accumulated
    if (event.ordinal < current.range.startIndex)
      current.range = { ...current.range, startIndex: event.ordinal, startAt: at }
    if (event.ordinal > current.range.endIndex) current.range = { ...current.range, endIndex: event.ordinal, endAt: at }
    current.eventCount++
    if (current.evidence.length < MAX_EVIDENCE) {
      current.evidence.push({
        message: excerpt,
        eventIndex: event.ordinal,
        ...(event.eventKey ? { eventId: event.eventKey } : {}),
        highlight: highlightOf(event),
      })
    }
  }

  return {
    /**
     * Feeds events in any page size, in ordinal order, each event once; each event is judged on
     * its own. Returns the rules that fired on these events, so a caller feeding a growing
     * session batch by batch knows which results changed.
     */
    scan(events: readonly DetectionEvent[]): ReadonlySet<string> {
      const fired = new Set<string>()
      if (checkable.length === 0) return fired
      for (const event of events) {
        const action = actionTextOf(event)
        const message = action === null ? messageTextOf(event) : null
        if (action === null && message === null) continue
        for (const rule of checkable) {
          let excerpt: string | null = null
          if (action !== null) {
            for (const command of rule.forbiddenCommands) {
              excerpt = findCommand(command, action, 'action')
              if (excerpt !== null) break
            }
          } else if (message !== null) {
            for (const phrase of rule.forbiddenPhrases) {
              excerpt = findPhrase(phrase, message)
              if (excerpt !== null) break
            }
          }
          if (excerpt !== null) {
            record(rule, event, excerpt)
            fired.add(rule.ruleId)
          }
        }
      }
      return fired
    },
    /** What fired in everything scanned so far; only the rules in `only` when given. */
    results(only?: ReadonlySet<string>): DetectedRuleMisalignment[] {
      const entries = [...found.values()].filter((entry) => !only || only.has(entry.rule.ruleId))
      return entries.map(({ rule, range, evidence, eventCount }) => ({
        ruleId: rule.ruleId,
        title: rule.heading,
        summary: rule.summary,
        severity: rule.severity,
        eventRange: range,
        evidence: [...evidence].sort((a, b) => (a.eventIndex ?? 0) - (b.eventIndex ?? 0)),
        eventCount,
      }))
    },
  }
}

/** The whole timeline at once (tests, small sessions). */
export function detectMisalignments(rules: readonly DetectionRule[], events: readonly DetectionEvent[]) {
  const detector = createDetector(rules)
  detector.scan(events)
  return detector.results()
}
