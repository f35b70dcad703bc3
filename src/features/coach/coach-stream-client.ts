/**
 * The browser side of `POST /api/coach/stream`: sends the prompt and hands each NDJSON chunk to
 * `onChunk` as it arrives. A refusal before the stream (4xx/503 JSON) becomes a thrown Error with
 * the server's message. The rows themselves arrive through the chat_* shapes on every device;
 * the chunks only make this tab's view immediate.
 */
import type { CoachStreamChunk, CoachStreamRequest } from '~/domain/coach/stream-protocol'

export class CoachRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
    this.name = 'CoachRequestError'
  }
}

export async function streamCoachReply(
  request: CoachStreamRequest,
  onChunk: (chunk: CoachStreamChunk) => void,
  signal?: AbortSignal,
): Promise<void> {
  const response = await fetch('/api/coach/stream', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/x-ndjson' },
    body: JSON.stringify(request),
    signal,
  })
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { message?: unknown }
    throw new CoachRequestError(
      typeof body.message === 'string' ? body.message : `The coach did not answer (HTTP ${response.status}).`,
      response.status,
    )
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += value
    let newline = buffer.indexOf('\n')
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim()
      buffer = buffer.slice(newline + 1)
      if (line) onChunk(JSON.parse(line) as CoachStreamChunk)
      newline = buffer.indexOf('\n')
    }
  }
}
