/** A coach thread is about one session, or general (the session only anchors it). */
export const CHAT_MODES = ['session', 'general'] as const
export type ChatMode = (typeof CHAT_MODES)[number]

export const THREAD_STATUSES = ['active', 'archived'] as const
export type ThreadStatus = (typeof THREAD_STATUSES)[number]

export const MESSAGE_ROLES = ['system', 'user', 'assistant'] as const
export type MessageRole = (typeof MESSAGE_ROLES)[number]

export const MESSAGE_STATUSES = ['complete', 'streaming', 'failed'] as const
export type MessageStatus = (typeof MESSAGE_STATUSES)[number]

export const TOOL_EVENT_STATUSES = ['pending', 'executing', 'succeeded', 'failed'] as const
export type ToolEventStatus = (typeof TOOL_EVENT_STATUSES)[number]
