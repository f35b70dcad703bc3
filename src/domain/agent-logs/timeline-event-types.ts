/** The normalised kinds of event a timeline holds, whatever agent wrote the log. */
export const TIMELINE_EVENT_TYPES = [
  'Message',
  'Reasoning',
  'FunctionCall',
  'LocalShellCall',
  'WebSearchCall',
  'CustomToolCall',
  'FileChange',
  'Other',
] as const

export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number]
