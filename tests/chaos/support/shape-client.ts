/**
 * A second device without a browser: a shape stream through the app's `/api/shape` with a
 * session cookie, recording the todo ids it receives in the order it receives them.
 */
import { isChangeMessage, type Row, ShapeStream } from '@electric-sql/client'

export interface RecordingShapeClient {
  /** Inserted keys (todo ids) in arrival order. */
  readonly inserted: string[]
  /** Resolves once every id has arrived, or rejects after `timeoutMs`. */
  waitFor(ids: readonly string[], timeoutMs: number): Promise<void>
  close(): void
}

export function recordTodos(appUrl: string, cookie: string): RecordingShapeClient {
  const controller = new AbortController()
  const inserted: string[] = []
  const seen = new Set<string>()
  const stream = new ShapeStream<Row>({
    url: `${appUrl}/api/shape`,
    params: { shape: 'todos' },
    signal: controller.signal,
    fetchClient: (input, init) =>
      fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), cookie } }),
  })
  stream.subscribe(
    (messages) => {
      for (const message of messages) {
        if (!isChangeMessage(message) || message.headers.operation !== 'insert') continue
        const id = String(message.value.id)
        inserted.push(id)
        seen.add(id)
      }
    },
    () => {},
  )
  return {
    inserted,
    async waitFor(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (ids.some((id) => !seen.has(id))) {
        if (Date.now() > deadline) {
          const missing = ids.filter((id) => !seen.has(id)).length
          throw new Error(`${missing} of ${ids.length} todos did not arrive through ${appUrl} within ${timeoutMs} ms`)
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    },
    close: () => controller.abort(),
  }
}
