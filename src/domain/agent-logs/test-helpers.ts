/**
 * Test-only helpers (imported by the colocated *.test.ts files): read a fixture and feed it to
 * a parser line by line, the way the ingest layer does.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { AgentLogParser, ParsedSessionInfo, TimelineEventDraft } from './types'

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/agent-logs/', import.meta.url))

export function readFixture(relativePath: string) {
  return readFileSync(`${FIXTURES}${relativePath}`, 'utf8')
}

export function parseText(
  parser: AgentLogParser,
  text: string,
): { events: TimelineEventDraft[]; info: ParsedSessionInfo } {
  const events: TimelineEventDraft[] = []
  const lines = text.split('\n')
  // A final line break ends the last line; it does not start an empty one.
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((line, index) => {
    events.push(...parser.push(line, index + 1))
  })
  const end = parser.finish()
  return { events: [...events, ...end.events], info: end.info }
}

export function countByType(events: TimelineEventDraft[]) {
  const counts: Record<string, number> = {}
  for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1
  return counts
}
