import type { TimelineEventDraft } from '../../src/domain/agent-logs/types'

/** A timeline event as a parser hands it to the repository: a user message unless `fields` say otherwise. */
export function eventDraft(ordinal: number, fields: Partial<TimelineEventDraft> = {}): TimelineEventDraft {
  return {
    ordinal,
    eventKey: null,
    type: 'Message',
    role: 'user',
    at: null,
    name: null,
    command: null,
    path: null,
    exitCode: null,
    durationMs: null,
    summary: '',
    payload: {},
    ...fields,
  }
}
