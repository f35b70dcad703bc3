/**
 * A local stand-in for an OpenAI-compatible provider (LM Studio, Ollama, vLLM…) for tests and
 * benchmarks: a real HTTP server on 127.0.0.1 speaking `GET /models` and streamed
 * `POST /chat/completions` (server-sent events, the protocol's own chunk format). What it answers
 * is chosen by the last user message, so one server serves every scenario:
 * - a message containing `[tool]` first calls `get_timeline_event` for the first `#N` in it, then,
 *   once the tool result is in the conversation, answers quoting the result's heading;
 * - `[fail]` streams a few words and then drops the connection mid-answer;
 * - `[slow]` waits before the first token longer than any sane timeout (the caller aborts);
 * - anything else streams `Fake reply to: <message>` followed by filler words.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeOpenAIOptions {
  /** Tokens per second of streamed text (one word is one token). */
  tokensPerSecond?: number
  /** Words of filler after the echo. */
  fillerWords?: number
  models?: string[]
  /** Require this bearer token. */
  apiKey?: string
}

export interface FakeOpenAIServer {
  baseUrl: string
  /** Bodies of the chat-completion requests received, in order. */
  requests: { messages: { role: string; content: unknown }[]; tools?: unknown[]; model: string }[]
  /** Time (performance.now()) each streamed reply wrote its first text token. */
  firstTokenAt: number[]
  close(): Promise<void>
}

type ChatRequest = FakeOpenAIServer['requests'][number]

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function readBody(request: IncomingMessage) {
  return new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = []
    request.on('data', (part: Buffer) => parts.push(part))
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
    request.on('error', reject)
  })
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('')
  return ''
}

export async function startFakeOpenAIServer(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  const tokensPerSecond = options.tokensPerSecond ?? 200
  const models = options.models ?? ['fake-model', 'fake-model-large']
  const requests: ChatRequest[] = []
  const firstTokenAt: number[] = []
  let calls = 0

  async function chat(request: ChatRequest, response: ServerResponse) {
    const id = `chatcmpl-${++calls}`
    const created = Math.floor(Date.now() / 1000)
    const send = (delta: object, finish: string | null = null) =>
      response.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`,
      )
    const end = () => {
      response.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } })}\n\n`,
      )
      response.end('data: [DONE]\n\n')
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    })
    const lastUser = [...request.messages].reverse().find((message) => message.role === 'user')
    const prompt = textOf(lastUser?.content)
    const toolMessages = request.messages.filter((message) => message.role === 'tool')
    const words = async (text: string) => {
      let first = true
      for (const word of text.split(/(?<= )/)) {
        if (!first) await sleep(1000 / tokensPerSecond)
        if (response.destroyed) return
        if (first) firstTokenAt.push(performance.now())
        first = false
        send({ content: word })
      }
    }

    if (prompt.includes('[tool]') && toolMessages.length === 0) {
      const eventNumber = Number(/#(\d+)/.exec(prompt)?.[1] ?? 1)
      send({
        role: 'assistant',
        content: null,
        tool_calls: [
          { index: 0, id: `call_${calls}`, type: 'function', function: { name: 'get_timeline_event', arguments: '' } },
        ],
      })
      send({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify({ eventNumber }) } }] })
      send({}, 'tool_calls')
      return end()
    }
    if (prompt.includes('[tool]')) {
      const result = textOf(toolMessages.at(-1)?.content)
      const heading = /"heading":"([^"]+)"/.exec(result)?.[1] ?? /Event #\d+ \w+/.exec(result)?.[0] ?? 'no heading'
      await words(`The tool says: ${heading}. Done.`)
      send({}, 'stop')
      return end()
    }
    if (prompt.includes('[fail]')) {
      await words('This answer will break ')
      response.destroy()
      return
    }
    if (prompt.includes('[slow]')) {
      await sleep(60_000)
      if (!response.destroyed) response.end()
      return
    }
    const filler = Array.from({ length: options.fillerWords ?? 5 }, (_, i) => `word${i + 1}`).join(' ')
    await words(`Fake reply to: ${prompt.replace(/\s+/g, ' ').slice(0, 200)} ${filler}`)
    send({}, 'stop')
    end()
  }

  const server: Server = createServer(async (request, response) => {
    try {
      if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
        response.writeHead(401, { 'content-type': 'application/json' })
        return response.end(JSON.stringify({ error: { message: 'Invalid API key' } }))
      }
      const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/^\/v1/, '')
      if (request.method === 'GET' && path === '/models') {
        response.writeHead(200, { 'content-type': 'application/json' })
        return response.end(JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }))
      }
      if (request.method === 'POST' && path === '/chat/completions') {
        const body = JSON.parse(await readBody(request)) as ChatRequest
        requests.push(body)
        if (!models.includes(body.model)) {
          response.writeHead(404, { 'content-type': 'application/json' })
          return response.end(JSON.stringify({ error: { message: `model ${body.model} not found` } }))
        }
        return await chat(body, response)
      }
      response.writeHead(404).end()
    } catch {
      response.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    firstTokenAt,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
