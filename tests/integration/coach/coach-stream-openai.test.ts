import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeOpenAIServer, startFakeOpenAIServer } from '../../../dev/fake-openai-server'
import { providerStatus } from '../../../src/server/coach/providers'
import { captureLogs } from '../../../src/server/log'
import { ask, coachConfig, readChunks, seedCoachSession, textOf, threadRows } from '../../helpers/coach'
import { databaseForThisFile } from '../../helpers/database'

const testDb = databaseForThisFile()
const API_KEY = 'sk-test-secret-never-logged'
let fake: FakeOpenAIServer

beforeAll(async () => {
  fake = await startFakeOpenAIServer({ apiKey: API_KEY, tokensPerSecond: 500 })
})
afterAll(async () => {
  await fake.close()
})

const openai = (env: Record<string, string> = {}) =>
  coachConfig({
    COACH_PROVIDER: 'openai-compatible',
    OPENAI_COMPATIBLE_BASE_URL: fake.baseUrl,
    OPENAI_COMPATIBLE_API_KEY: API_KEY,
    ...env,
  })

describe('POST /api/coach/stream with an OpenAI-compatible provider (a local fake speaking the protocol)', () => {
  it('discovers the models and streams a text reply into the row, with history and context sent', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const status = await providerStatus(openai())
    expect(status).toMatchObject({ provider: 'openai-compatible', ready: true, defaultModel: 'fake-model' })
    expect(status.models).toEqual(['fake-model', 'fake-model-large'])
    expect(JSON.stringify(status)).not.toContain(API_KEY)

    await readChunks(await ask(testDb.db, openai(), session, { prompt: 'first question' }))
    const chunks = await readChunks(
      await ask(testDb.db, openai(), session, { prompt: 'second question', model: 'fake-model-large' }),
    )
    expect(chunks[0]).toMatchObject({ type: 'start', provider: 'openai-compatible', model: 'fake-model-large' })
    expect(textOf(chunks)).toMatch(/^Fake reply to: second question word1/)
    expect(chunks.at(-1)).toEqual({ type: 'done', status: 'complete' })

    const sent = fake.requests.at(-1)
    expect(sent?.model).toBe('fake-model-large')
    expect(sent?.messages[0]).toMatchObject({ role: 'system' })
    expect(String(sent?.messages[0].content)).toContain('Never force-push shared branches')
    expect(sent?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(sent?.tools?.length).toBe(2)

    const { messages } = await threadRows(testDb.db, session.id)
    expect(messages.at(-1)).toMatchObject({ role: 'assistant', status: 'complete', model: 'fake-model-large' })
    expect(messages.at(-1)?.content).toBe(textOf(chunks))
  })

  it('runs a tool call and continues the same reply with its result (multi-step), audited', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const chunks = await readChunks(await ask(testDb.db, openai(), session, { prompt: '[tool] look at #2 please' }))
    const types = chunks.map((chunk) => chunk.type)
    expect(types.indexOf('tool-call')).toBeLessThan(types.indexOf('tool-result'))
    expect(types.indexOf('tool-result')).toBeLessThan(types.indexOf('text-delta'))
    expect(textOf(chunks)).toContain('The tool says: Event #2')
    const { tools, messages } = await threadRows(testDb.db, session.id)
    expect(tools).toHaveLength(1)
    expect(tools[0]).toMatchObject({
      status: 'succeeded',
      toolName: 'get_timeline_event',
      arguments: { eventNumber: 2 },
    })
    expect(tools[0].toolCallId).toMatch(/^call_/)
    expect(tools[0].completedAt).not.toBeNull()
    expect(messages.at(-1)).toMatchObject({ status: 'complete' })
  })

  it('a tool call for an event that does not exist ends its row failed and the model is told', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const chunks = await readChunks(await ask(testDb.db, openai(), session, { prompt: '[tool] and #99999' }))
    expect(chunks.find((chunk) => chunk.type === 'tool-error')).toMatchObject({
      error: expect.stringMatching(/does not exist/),
    })
    const { tools } = await threadRows(testDb.db, session.id)
    expect(tools[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/#99999 does not exist/) })
    expect(tools[0].latencyMs).not.toBeNull()
  })

  it('a provider that fails mid-stream leaves the reply failed with its partial text and the error', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const logs: string[] = []
    const restore = captureLogs((_level, line) => logs.push(line))
    try {
      const chunks = await readChunks(await ask(testDb.db, openai(), session, { prompt: '[fail] now' }))
      expect(chunks.find((chunk) => chunk.type === 'error')).toBeDefined()
      expect(chunks.at(-1)).toMatchObject({ type: 'done', status: 'failed' })
      const { messages } = await threadRows(testDb.db, session.id)
      expect(messages.at(-1)).toMatchObject({ status: 'failed' })
      expect(messages.at(-1)?.content).toContain('This answer will')
      expect(messages.at(-1)?.error).toMatch(/provider at http:\/\/127\.0\.0\.1/)
    } finally {
      restore()
    }
    expect(logs.join('\n')).not.toContain(API_KEY)
  })

  it('a provider that stays silent fails the reply with a message saying what to do', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const chunks = await readChunks(
      await ask(testDb.db, openai({ COACH_PROVIDER_TIMEOUT_MS: '1000' }), session, { prompt: '[slow] please' }),
    )
    expect(chunks.at(-1)).toMatchObject({
      type: 'done',
      status: 'failed',
      error: expect.stringMatching(/did not answer for 1 s/),
    })
  })

  it('an unreachable provider, a wrong key or an unknown model answer before anything is written', async () => {
    const { session } = await seedCoachSession(testDb.db)
    const down = await ask(testDb.db, openai({ OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1' }), session, {
      prompt: 'hi',
    })
    expect(down.status).toBe(503)
    expect(((await down.json()) as { message: string }).message).toMatch(/not reachable.*OPENAI_COMPATIBLE_BASE_URL/)

    const wrongKey = await ask(testDb.db, openai({ OPENAI_COMPATIBLE_API_KEY: 'nope' }), session, { prompt: 'hi' })
    expect(wrongKey.status).toBe(503)
    expect(((await wrongKey.json()) as { message: string }).message).toMatch(
      /refused the API key.*OPENAI_COMPATIBLE_API_KEY/,
    )

    const unknown = await ask(testDb.db, openai(), session, { prompt: 'hi', model: 'gpt-imaginary' })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { message: string }).message).toMatch(/does not offer the model "gpt-imaginary"/)

    expect((await threadRows(testDb.db, session.id)).messages).toHaveLength(0)
  })
})
