/** A thread's messages (by seq) and its tool calls, live from the session's chat_* collections. */
import { eq, useLiveQuery } from '@tanstack/react-db'
import { type ChatMessageRow, type ChatToolEventRow, sessionCollection } from '~/collections/session-collections'

export function useCoachMessages(sessionId: string, threadId: string | null) {
  const messages = sessionCollection('chat_messages', sessionId)
  const toolEvents = sessionCollection('chat_tool_events', sessionId)
  const messageQuery = useLiveQuery(
    (q) =>
      threadId === null
        ? undefined
        : q
            .from({ message: messages })
            .where(({ message }) => eq(message.threadId, threadId))
            .orderBy(({ message }) => message.seq, 'asc'),
    [sessionId, threadId],
  )
  const toolQuery = useLiveQuery(
    (q) =>
      threadId === null
        ? undefined
        : q
            .from({ tool: toolEvents })
            .where(({ tool }) => eq(tool.threadId, threadId))
            .orderBy(({ tool }) => tool.startedAt, 'asc'),
    [sessionId, threadId],
  )
  const tools = (toolQuery.data ?? []) as ChatToolEventRow[]
  const toolsByMessage = new Map<string, ChatToolEventRow[]>()
  for (const tool of tools) {
    if (!tool.messageId) continue
    const list = toolsByMessage.get(tool.messageId) ?? []
    list.push(tool)
    toolsByMessage.set(tool.messageId, list)
  }
  return {
    messages: (messageQuery.data ?? []) as ChatMessageRow[],
    toolsByMessage,
    isReady: threadId === null ? false : messageQuery.isReady,
  }
}
