import { eq } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { chatMessages } from '../../../src/db/schema'
import { STOPPED_BY_USER } from '../../../src/server/coach/active-replies'
import { coachThreads } from '../../../src/server/coach/coach-threads'
import { stopReply } from '../../../src/server/coach/stop-reply'
import { chatMessagesRepository } from '../../../src/server/repositories/chat-messages-repository'
import { NotFoundError } from '../../../src/server/repositories/errors'
import { ABANDONED_REPLY } from '../../../src/server/startup/coach-replies'
import { ask, coachConfig, readChunks, readUntil, seedCoachSession, textOf, threadRows } from '../../helpers/coach'
import { databaseForThisFile } from '../../helpers/database'

const testDb = databaseForThisFile()
const offline = coachConfig()

describe('POST /api/coach/stream with the offline provider', () => {
  it('persists the prompt, calls the timeline tool for #N, streams the answer and completes every row', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const response = await ask(testDb.db, offline, session, { prompt: 'What went wrong in #3? Summarize the session.' })
    expect(response.headers.get('content-type')).toContain('application/x-ndjson')
    const chunks = await readChunks(response)

    expect(chunks[0]).toMatchObject({ type: 'start', provider: 'offline', model: 'offline-coach' })
    expect(chunks.at(-1)).toEqual({ type: 'done', status: 'complete' })
    const call = chunks.find((chunk) => chunk.type === 'tool-call')
    expect(call).toMatchObject({ toolName: 'get_timeline_event', input: { eventNumber: 3 } })
    expect(chunks.find((chunk) => chunk.type === 'tool-result')).toMatchObject({ toolName: 'get_timeline_event' })
    const text = textOf(chunks)
    expect(text).toContain('### Event #3')
    expect(text).toContain('Never force-push shared branches')
    expect(text).toContain('## Goals')

    const { threads, messages, tools } = await threadRows(testDb.db, session.id)
    expect(threads).toHaveLength(1)
    expect(threads[0]).toMatchObject({ status: 'active', messageCount: 2 })
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ])
    expect(messages[0].contextEvents).toEqual([expect.objectContaining({ displayIndex: 3, eventIndex: 2 })])
    expect(messages[1].content).toBe(text)
    expect(messages[1].error).toBeNull()
    expect(tools).toHaveLength(1)
    expect(tools[0]).toMatchObject({ status: 'succeeded', toolName: 'get_timeline_event', messageId: messages[1].id })
    expect(tools[0].completedAt).toBeInstanceOf(Date)
    expect(tools[0].latencyMs).toBeGreaterThanOrEqual(0)
  })

  it('a retried clientMessageId reuses the prompt and starts no second reply', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const clientMessageId = crypto.randomUUID()
    const first = await readChunks(await ask(testDb.db, offline, session, { prompt: 'Explain #2', clientMessageId }))
    const again = await readChunks(await ask(testDb.db, offline, session, { prompt: 'Explain #2', clientMessageId }))
    expect(again[0]).toMatchObject({ type: 'start', duplicate: true })
    expect(again[0]).toMatchObject({
      assistantMessageId: (first[0] as { assistantMessageId: string }).assistantMessageId,
    })
    expect(again.some((chunk) => chunk.type === 'text-delta')).toBe(false)
    const { messages, tools, threads } = await threadRows(testDb.db, session.id)
    expect(messages).toHaveLength(2)
    expect(tools).toHaveLength(1)
    expect(threads[0].messageCount).toBe(2)
  })

  it('five concurrent sends of one clientMessageId store one prompt and one reply', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const clientMessageId = crypto.randomUUID()
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        ask(testDb.db, offline, session, { prompt: 'Summarize', clientMessageId }).then(readChunks),
      ),
    )
    expect(answers.filter((chunks) => !(chunks[0] as { duplicate?: boolean }).duplicate)).toHaveLength(1)
    const { messages, threads } = await threadRows(testDb.db, session.id)
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant'])
    expect(threads[0].messageCount).toBe(2)
  })

  it('explains a misalignment named in the metadata and keeps its evidence on the reply', async () => {
    const { session, misalignment } = await seedCoachSession(testDb.db)
    const chunks = await readChunks(
      await ask(testDb.db, offline, session, { prompt: 'Review this', metadata: { misalignmentId: misalignment.id } }),
    )
    expect(textOf(chunks)).toContain('git push --force origin main')
    const { messages } = await threadRows(testDb.db, session.id)
    expect(messages[1].misalignmentId).toBe(misalignment.id)
    expect(messages[1].evidence).toEqual([
      expect.objectContaining({ ruleId: 'no-force-push', label: misalignment.title }),
    ])
  })

  it('suggests Conventional Commit subjects of at most 72 characters', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const text = textOf(await readChunks(await ask(testDb.db, offline, session, { prompt: 'Suggest commit messages' })))
    const subjects = [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1])
    expect(subjects.length).toBeGreaterThan(0)
    expect(subjects[0]).toMatch(/^fix\(agents\): address never force-push/i)
    for (const subject of subjects) expect(subject.length).toBeLessThanOrEqual(72)
  })

  it('the start chunk shows the context sections within the token budget', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const tight = coachConfig({ COACH_CONTEXT_TOKENS: '500' })
    const [start] = await readChunks(await ask(testDb.db, tight, session, { prompt: 'Explain #1 #2 #3 #4 #5' }))
    if (start.type !== 'start') throw new Error('no start chunk')
    expect(start.context.budgetTokens).toBe(500)
    expect(start.context.usedTokens).toBeLessThanOrEqual(500)
    expect(start.context.sections.map((section) => section.id)).toContain('session-meta')
    expect(start.context.sections.some((section) => section.trimmed)).toBe(true)
  })

  it('stop (from any device) ends the reply failed with its partial text, and the stream says so', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const slow = coachConfig({ COACH_OFFLINE_CHUNK_DELAY_MS: '100' })
    const response = await ask(testDb.db, slow, session, { prompt: 'Summarize the session' })
    const reader = response.body?.getReader()
    if (!reader) throw new Error('no body')
    const head = await readUntil(reader, (chunk) => chunk.type === 'text-delta')
    const start = head[0] as { assistantMessageId: string }
    expect(await stopReply(testDb.db, session, start.assistantMessageId)).toEqual({ stopped: true })
    const rest = await readUntil(reader, (chunk) => chunk.type === 'done')
    expect(rest.at(-1)).toEqual({ type: 'done', status: 'failed', error: STOPPED_BY_USER })
    const [reply] = await testDb.db.select().from(chatMessages).where(eq(chatMessages.id, start.assistantMessageId))
    expect(reply).toMatchObject({ status: 'failed', error: STOPPED_BY_USER })
    expect(reply.content.length).toBeGreaterThan(0)
    expect(reply.content).toBe(textOf([...head, ...rest]))
    // A second stop changes nothing.
    expect(await stopReply(testDb.db, session, start.assistantMessageId)).toEqual({ stopped: false })
  })

  it('a closed tab does not cut the reply: it completes in its row', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const slow = coachConfig({ COACH_OFFLINE_CHUNK_DELAY_MS: '5' })
    const response = await ask(testDb.db, slow, session, { prompt: 'Summarize the session' })
    const reader = response.body?.getReader()
    if (!reader) throw new Error('no body')
    const [start] = await readUntil(reader, (chunk) => chunk.type === 'start')
    await reader.cancel()
    const id = (start as { assistantMessageId: string }).assistantMessageId
    let status = 'streaming'
    for (let i = 0; i < 600 && status === 'streaming'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      status = (await chatMessagesRepository.findMessage(testDb.db, session.accountId, id))?.status ?? 'gone'
    }
    const reply = await chatMessagesRepository.findMessage(testDb.db, session.accountId, id)
    expect(reply?.status).toBe('complete')
    expect(reply?.content).toContain('## Goals')
  })

  it('on start-up, replies left streaming become failed with the reason', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const { thread } = await coachThreads.ensureActive(testDb.db, session, 'session')
    const { message } = await chatMessagesRepository.appendMessage(testDb.db, {
      accountId: session.accountId,
      threadId: thread.id,
      role: 'assistant',
      content: 'half a repl',
      status: 'streaming',
    })
    await chatMessagesRepository.failAbandonedReplies(testDb.db, ABANDONED_REPLY)
    const after = await chatMessagesRepository.findMessage(testDb.db, session.accountId, message.id)
    expect(after).toMatchObject({ status: 'failed', error: ABANDONED_REPLY, content: 'half a repl' })
  })

  it('general mode answers without tools or session context', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const chunks = await readChunks(await ask(testDb.db, offline, session, { prompt: 'Explain #2', mode: 'general' }))
    expect(chunks.some((chunk) => chunk.type === 'tool-call')).toBe(false)
    expect(chunks[0]).toMatchObject({ context: { sections: [] } })
    expect(textOf(chunks)).toContain('offline coach')
    const { threads } = await threadRows(testDb.db, session.id)
    expect(threads.map((thread) => thread.mode)).toEqual(['general'])
  })

  it('refuses a thread of another session, and a thread of the other mode', async () => {
    const a = await seedCoachSession(testDb.db)
    const b = await seedCoachSession(testDb.db)
    const { thread } = await coachThreads.ensureActive(testDb.db, b.session, 'session')
    await expect(ask(testDb.db, offline, a.session, { prompt: 'hi', threadId: thread.id })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    await expect(coachThreads.apply(testDb.db, a.session, thread.id, 'delete')).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      ask(testDb.db, offline, b.session, { prompt: 'hi', threadId: thread.id, mode: 'general' }),
    ).rejects.toThrow(/session thread/)
  })
})
