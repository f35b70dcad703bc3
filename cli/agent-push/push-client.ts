/**
 * agent-push's side of the incremental ingest API (src/domain/push/push-protocol.ts): every answer
 * validated, and every failure sorted into what the pusher does about it — retry later
 * (`RetryableError`: network, 5xx, 429), stop (`FatalError`: the token was refused), or skip the log.
 */
import {
  CHUNK_PATH,
  chunkAcceptedSchema,
  OFFSETS_PATH,
  offsetsAnswerSchema,
  pushRefusalSchema,
} from '../../src/domain/push/push-protocol'

export class RetryableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RetryableError'
  }
}

export class FatalError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FatalError'
  }
}

export type ChunkResult =
  | { kind: 'stored'; offset: number }
  /** The server has a different offset than the chunk assumed: continue from `offset`. */
  | { kind: 'resend-from'; offset: number }
  /** The server will not take this log (not an agent log, a line too long, a bad parameter). */
  | { kind: 'refused'; message: string }

export interface PushClientOptions {
  server: string
  token: string
  machine: string
  /** A request that takes longer is abandoned and retried. */
  requestTimeoutMs?: number
}

export class PushClient {
  constructor(private readonly options: PushClientOptions) {}

  /** What the server has of every log from this machine: sourceKey → offset, and the refused ones. */
  async offsets(): Promise<{ offsets: Map<string, number>; refused: Set<string> }> {
    const url = new URL(OFFSETS_PATH, this.options.server)
    url.searchParams.set('machine', this.options.machine)
    const response = await this.request(url, { method: 'GET' })
    if (response.status !== 200) await this.fail(response)
    const body = offsetsAnswerSchema.parse(await response.json())
    return {
      offsets: new Map(body.sources.map((source) => [source.sourceKey, source.offset])),
      refused: new Set(body.sources.filter((source) => source.rejection).map((source) => source.sourceKey)),
    }
  }

  async pushChunk(chunk: {
    sourceKey: string
    fileName: string
    offset: number
    bytes: Uint8Array<ArrayBuffer>
    complete?: boolean
  }): Promise<ChunkResult> {
    const url = new URL(CHUNK_PATH, this.options.server)
    url.searchParams.set('machine', this.options.machine)
    url.searchParams.set('sourceKey', chunk.sourceKey)
    url.searchParams.set('fileName', chunk.fileName)
    url.searchParams.set('offset', String(chunk.offset))
    if (chunk.complete) url.searchParams.set('complete', 'true')
    const response = await this.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: chunk.bytes,
    })
    if (response.status === 200) {
      return { kind: 'stored', offset: chunkAcceptedSchema.parse(await response.json()).offset }
    }
    if (response.status === 409) {
      const refusal = pushRefusalSchema.parse(await response.json())
      if (refusal.offset !== undefined) return { kind: 'resend-from', offset: refusal.offset }
    }
    if ([400, 413, 415].includes(response.status)) {
      const refusal = pushRefusalSchema.safeParse(await response.json().catch(() => ({})))
      return { kind: 'refused', message: refusal.success ? refusal.data.message : `HTTP ${response.status}` }
    }
    return this.fail(response)
  }

  private async request(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${this.options.token}` },
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 60_000),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new RetryableError(`cannot reach ${this.options.server} (${cause ?? (error as Error).message})`)
    }
  }

  private async fail(response: Response): Promise<never> {
    const body = pushRefusalSchema.safeParse(await response.json().catch(() => ({})))
    const message = body.success ? body.data.message : `HTTP ${response.status}`
    if (response.status === 401 || response.status === 403) {
      throw new FatalError(`The server refused the token (${response.status}): ${message}`)
    }
    throw new RetryableError(`the server answered ${response.status}: ${message}`)
  }
}
