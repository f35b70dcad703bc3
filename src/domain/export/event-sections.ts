/**
 * The readable parts of an event, whatever agent wrote it: its text, command, arguments, output,
 * diff. Every format but JSON-with-metadata prints these instead of the raw payload. Instructions
 * are replaced here unless the request includes them.
 */
import { looksLikeInjectedInstructions } from '~/domain/agent-logs/injected-instructions'
import type { ExportEvent, ExportRequest } from './export-types'

export type SectionKind = 'text' | 'command' | 'input' | 'output' | 'error' | 'diff' | 'query'

export interface EventSection {
  kind: SectionKind
  label: string
  text: string
}

export const REDACTED_INSTRUCTIONS = '[instructions redacted]'

const INSTRUCTION_ROLES = new Set(['system', 'developer'])

/** System and developer prompts, and text the agent injected as a user message (AGENTS.md, environment). */
export function isInstructionEvent(event: ExportEvent): boolean {
  if (event.type !== 'Message') return false
  if (event.role !== null && INSTRUCTION_ROLES.has(event.role)) return true
  if (event.role !== 'user') return false
  if (event.payload.meta === true) return true
  const content = event.payload.content
  return typeof content === 'string' && looksLikeInjectedInstructions(content)
}

/** The event as exported: instructions replaced by a marker (number, type, role and time stay). */
export function prepareEvent(event: ExportEvent, request: Pick<ExportRequest, 'instructions'>): ExportEvent {
  if (request.instructions === 'include' || !isInstructionEvent(event)) return event
  return {
    ...event,
    summary: REDACTED_INSTRUCTIONS,
    eventKey: null,
    name: null,
    command: null,
    path: null,
    payload: { role: event.role, content: REDACTED_INSTRUCTIONS, redacted: true },
  }
}

/** Strings as they are; anything else as indented JSON; nothing for empty values. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.length > 0 ? value : null
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const json = JSON.stringify(value, null, 2)
  return json === '{}' || json === '[]' ? null : json
}

function section(kind: SectionKind, label: string, value: unknown): EventSection[] {
  const text = asText(value)
  return text === null ? [] : [{ kind, label, text }]
}

export function eventSections(event: ExportEvent): EventSection[] {
  const p = event.payload
  switch (event.type) {
    case 'Message':
      return section('text', 'Message', p.content)
    case 'Reasoning':
      return [...section('text', 'Reasoning', p.content), ...section('text', 'Detail', p.detail)]
    case 'LocalShellCall':
      return [
        ...section('command', 'Command', event.command ?? p.command),
        ...section('output', 'Output', p.stdout ?? p.output),
        ...section('error', 'Errors', p.stderr),
      ]
    case 'FileChange':
      return [
        ...section('diff', 'Diff', p.diff),
        ...section('output', 'Output', p.output ?? p.stdout),
        ...section('error', 'Errors', p.stderr),
      ]
    case 'WebSearchCall':
      return [...section('query', 'Query', p.query), ...section('output', 'Results', p.results)]
    case 'FunctionCall':
    case 'CustomToolCall':
      return [
        ...section('input', 'Input', p.args ?? p.input),
        ...section('output', 'Output', p.result ?? p.output ?? p.stdout),
        ...section('error', 'Errors', p.stderr ?? p.error),
      ]
    default:
      return section('text', 'Content', p.content ?? p.message)
  }
}

/** The one-line heading of an event: `#12 · LocalShellCall · assistant`. */
export function eventHeading(event: ExportEvent): string {
  return [`#${event.ordinal + 1}`, event.type, event.role].filter(Boolean).join(' · ')
}

/** Exit code and duration, when the event has them. */
export function eventOutcome(event: ExportEvent): string | null {
  const parts: string[] = []
  if (event.exitCode !== null) parts.push(event.exitCode === 0 ? 'exit 0 (success)' : `exit ${event.exitCode}`)
  if (event.durationMs !== null) parts.push(`${event.durationMs} ms`)
  return parts.length > 0 ? parts.join(', ') : null
}
