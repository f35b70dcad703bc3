/**
 * The threads of one (session, mode), live from the session's chat_threads collection, newest
 * first, and the actions on them. Every action is a server function whose txid is awaited on the
 * shape stream, so when it resolves this device (like every other) already shows the result.
 */
import { and, eq, useLiveQuery } from '@tanstack/react-db'
import { useCallback, useEffect, useRef } from 'react'
import { SYNC_CONFIRMATION_TIMEOUT_MS, txidOf } from '~/collections/mutation-result'
import { type ChatThreadRow, sessionCollection } from '~/collections/session-collections'
import type { ChatMode } from '~/domain/coach/chat-kinds'
import { changeChatThread, ensureActiveThread, startNewChat } from '~/server/functions/coach'

export type ThreadAction = 'select' | 'archive' | 'delete' | 'clear'

export function useCoachThreads(sessionId: string, mode: ChatMode) {
  const threads = sessionCollection('chat_threads', sessionId)
  const query = useLiveQuery(
    (q) =>
      q
        .from({ thread: threads })
        .where(({ thread }) => and(eq(thread.sessionId, sessionId), eq(thread.mode, mode)))
        .orderBy(({ thread }) => thread.updatedAt, 'desc'),
    [sessionId, mode],
  )
  const rows = (query.data ?? []) as ChatThreadRow[]
  const active = rows.find((thread) => thread.status === 'active') ?? null

  const awaitTxid = useCallback(
    (result: { txid?: unknown; message?: unknown }) =>
      threads.utils.awaitTxId(txidOf(result), SYNC_CONFIRMATION_TIMEOUT_MS),
    [threads],
  )

  // A session without a thread in this mode gets one (once per mount), as the original product did.
  const ensured = useRef('')
  useEffect(() => {
    const key = `${sessionId}:${mode}`
    if (!query.isReady || active || ensured.current === key) return
    ensured.current = key
    void ensureActiveThread({ data: { sessionId, mode } })
      .then(awaitTxid)
      .catch(() => {
        ensured.current = ''
      })
  }, [query.isReady, active, sessionId, mode, awaitTxid])

  const newChat = useCallback(
    async () => awaitTxid(await startNewChat({ data: { sessionId, mode } })),
    [awaitTxid, sessionId, mode],
  )
  const act = useCallback(
    async (threadId: string, action: ThreadAction) =>
      awaitTxid(await changeChatThread({ data: { sessionId, threadId, action } })),
    [awaitTxid, sessionId],
  )
  const rename = useCallback(
    async (threadId: string, title: string) => {
      const transaction = threads.update(threadId, (draft) => {
        draft.title = title.trim() || draft.title
      })
      await transaction.isPersisted.promise
    },
    [threads],
  )

  return { threads: rows, active, isReady: query.isReady, newChat, act, rename }
}
