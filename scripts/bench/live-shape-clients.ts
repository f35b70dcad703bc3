/**
 * Simulated live clients of `pnpm bench shape-server`, spread over child processes: every held
 * long-poll is a socket, and one process may open only 20 000 files on the reference machine, so
 * 10 000 live shapes cannot share a process with their server or with each other's 10 000
 * sockets. Each child holds its share of the long-polls and reports when a row arrived, stamped
 * with the system-wide monotonic clock so the writer in the parent can subtract its own stamps.
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD_FLAG = '--live-shape-clients-bench-child'
/** Shapes opened at once, over all children (each new shape is a snapshot on the server's pool). */
const OPEN_CONCURRENCY = 50
/** A 503 (overloaded, `retry-after`) is retried as the official client does, this many times. */
const MAX_RETRIES = 10

/**
 * Milliseconds on CLOCK_MONOTONIC (libuv's hrtime on Linux), which every process on the machine
 * shares — unlike `performance.now()`, whose origin is each process' start.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

type ShapeParams = Record<string, string>

type ParentMessage = { kind: 'open'; shapeUrl: string; shapes: ShapeParams[]; concurrency: number } | { kind: 'stop' }
type ChildMessage =
  | { kind: 'opened'; retries: Record<string, number> }
  | { kind: 'arrival'; key: string; at: number }
  | { kind: 'failed'; message: string }
  | { kind: 'stopped'; retries: Record<string, number> }

/**
 * 503s and failed connections retried so far in this process, by reason (the 503's body, the
 * connection error's code), reported when opened and at the end.
 */
const retries: Record<string, number> = {}

/**
 * `fetch`, retrying a 503 after its `retry-after` (at most 5 s) and a failed connection after a
 * second, as `@electric-sql/client` retries both (with its own backoff).
 */
async function fetchRetrying(url: URL, init?: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let waitSeconds: number
    let reason: string
    try {
      const response = await fetch(url, init)
      if (response.status !== 503 || attempt >= MAX_RETRIES) return response
      reason = `503 ${(await response.text()).slice(0, 100)}`
      waitSeconds = Math.min(5, Number(response.headers.get('retry-after') ?? 1))
    } catch (error) {
      if (init?.signal?.aborted) throw error
      if (attempt >= MAX_RETRIES) throw new Error(`${url}: ${describeFetchError(error)}`)
      reason = describeFetchError(error)
      waitSeconds = 1
    }
    retries[reason] = (retries[reason] ?? 0) + 1
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000 * (0.5 + Math.random())))
  }
}

/** undici's "fetch failed" hides the reason (reset, refused, timeout) in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause
  const message = error instanceof Error ? error.message : String(error)
  return cause ? `${message} (${cause.code ?? ''} ${cause.message ?? ''})` : message
}

/** A minimal long-poll client (the official client is measured in the initial-sync test). */
class LiveShapeClient {
  private stopped = false
  private readonly controller = new AbortController()
  readonly done: Promise<void>

  private constructor(
    private readonly url: URL,
    private readonly onRow: (key: string) => void,
  ) {
    this.done = this.loop()
  }

  static async open(shapeUrl: string, params: ShapeParams, onRow: (key: string) => void) {
    const url = new URL(shapeUrl)
    url.search = new URLSearchParams({ ...params, offset: '-1' }).toString()
    let response = await fetchRetrying(url)
    const opening = await response.text()
    if (response.status !== 200) throw new Error(`opening ${url} failed with ${response.status}: ${opening}`)
    url.searchParams.set('handle', response.headers.get('electric-handle') as string)
    url.searchParams.set('offset', response.headers.get('electric-offset') as string)
    while (!response.headers.has('electric-up-to-date')) {
      response = await fetchRetrying(url)
      await response.arrayBuffer()
      url.searchParams.set('offset', response.headers.get('electric-offset') as string)
    }
    url.searchParams.set('live', 'true')
    url.searchParams.set('cursor', '')
    return new LiveShapeClient(url, onRow)
  }

  private async loop() {
    while (!this.stopped) {
      let response: Response
      try {
        response = await fetchRetrying(this.url, { signal: this.controller.signal })
      } catch (error) {
        if (this.stopped) return
        throw error
      }
      const body = (await response.json()) as Array<{ key?: string }>
      if (response.status !== 200)
        throw new Error(`live request failed with ${response.status}: ${JSON.stringify(body)} (${this.url})`)
      for (const item of body) if (item.key) this.onRow(item.key)
      this.url.searchParams.set('offset', response.headers.get('electric-offset') as string)
      this.url.searchParams.set('cursor', response.headers.get('electric-cursor') ?? '')
    }
  }

  stop() {
    this.stopped = true
    this.controller.abort()
  }
}

if (process.argv.includes(CHILD_FLAG)) runChild()

function runChild() {
  const send = (message: ChildMessage) => process.send?.(message)
  const fail = (error: unknown) =>
    send({ kind: 'failed', message: error instanceof Error ? error.message : `${error}` })
  const clients: LiveShapeClient[] = []
  const onRow = (key: string) => send({ kind: 'arrival', key, at: monotonicMs() })
  // The bench ended (or crashed): the held sockets would keep this process alive.
  process.on('disconnect', () => process.exit(0))
  process.on('message', async (message: ParentMessage) => {
    try {
      if (message.kind === 'open') {
        for (let start = 0; start < message.shapes.length; start += message.concurrency) {
          const batch = message.shapes.slice(start, start + message.concurrency)
          const opened = await Promise.all(batch.map((params) => LiveShapeClient.open(message.shapeUrl, params, onRow)))
          for (const client of opened) {
            client.done.catch(fail)
            clients.push(client)
          }
        }
        send({ kind: 'opened', retries })
      } else {
        for (const client of clients) client.stop()
        await Promise.all(clients.map((client) => client.done))
        send({ kind: 'stopped', retries })
        process.disconnect?.()
      }
    } catch (error) {
      fail(error)
    }
  })
}

/**
 * Live shapes held by `processCount` child processes (shape `i` in child `i % processCount`).
 * `arrival(key)` resolves with the monotonic time at which a client received the row.
 */
export class LiveShapeClients {
  private readonly waiting = new Map<string, (at: number) => void>()
  private failure: Error | undefined
  private readonly failureListeners = new Set<(error: Error) => void>()
  private readonly retriesByChild = new Map<ReturnType<typeof fork>, Record<string, number>>()

  private constructor(private readonly children: ReturnType<typeof fork>[]) {
    for (const child of children) {
      child.on('message', (message: ChildMessage) => {
        if (message.kind === 'opened' || message.kind === 'stopped') this.retriesByChild.set(child, message.retries)
        if (message.kind === 'arrival') {
          this.waiting.get(message.key)?.(message.at)
          this.waiting.delete(message.key)
        } else if (message.kind === 'failed') {
          this.fail(new Error(`a bench client process failed: ${message.message}`))
        }
      })
      child.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a bench client process exited with ${code}`))
      })
    }
  }

  static async open(shapeUrl: string, shapes: ShapeParams[], processCount: number): Promise<LiveShapeClients> {
    const count = Math.max(1, Math.min(processCount, shapes.length))
    const children = Array.from({ length: count }, () =>
      fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    )
    const clients = new LiveShapeClients(children)
    await Promise.all(
      children.map((child, index) => {
        const share = shapes.filter((_, shape) => shape % count === index)
        const opened = clients.nextMessage(child, 'opened')
        const concurrency = Math.ceil(OPEN_CONCURRENCY / count)
        child.send({ kind: 'open', shapeUrl, shapes: share, concurrency } satisfies ParentMessage)
        return opened
      }),
    )
    return clients
  }

  /** Requests the children retried (503 or failed connection; reported when opened and when stopped). */
  get retries(): number {
    return Object.values(this.retryReasons).reduce((total, count) => total + count, 0)
  }

  /** The same, by reason, over all children. */
  get retryReasons(): Record<string, number> {
    const total: Record<string, number> = {}
    for (const reasons of this.retriesByChild.values()) {
      for (const [reason, count] of Object.entries(reasons)) total[reason] = (total[reason] ?? 0) + count
    }
    return total
  }

  get processCount(): number {
    return this.children.length
  }

  /** Call before the write, so an arrival cannot be missed. */
  arrival(key: string): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      const onFailure = (error: Error) => reject(error)
      this.failureListeners.add(onFailure)
      this.waiting.set(key, (at) => {
        this.failureListeners.delete(onFailure)
        resolve(at)
      })
    })
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map((child) => {
        const stopped = this.nextMessage(child, 'stopped')
        child.send({ kind: 'stop' } satisfies ParentMessage)
        return stopped.then(
          () => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined))),
        )
      }),
    )
  }

  private nextMessage(child: ReturnType<typeof fork>, kind: ChildMessage['kind']): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure)
      const onFailure = (error: Error) => reject(error)
      this.failureListeners.add(onFailure)
      const listener = (message: ChildMessage) => {
        if (message.kind !== kind) return
        child.off('message', listener)
        this.failureListeners.delete(onFailure)
        resolve()
      }
      child.on('message', listener)
    })
  }

  private fail(error: Error) {
    this.failure ??= error
    for (const listener of this.failureListeners) listener(error)
    this.failureListeners.clear()
  }
}
