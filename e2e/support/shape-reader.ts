/**
 * Reads a shape through the app's `/api/shape` proxy the way the Electric client does (initial
 * snapshot, then the log until `up-to-date`), so a spec can check what Postgres holds for the
 * caller without trusting the page under test.
 */
import { type APIRequestContext, expect } from '@playwright/test'

type ShapeMessage =
  | { key: string; value: Record<string, string | null>; headers: { operation: 'insert' | 'update' | 'delete' } }
  | { headers: { control: string } }

export async function readShapeRows(
  request: APIRequestContext,
  shape: string,
  { baseUrl = '', headers }: { baseUrl?: string; headers?: Record<string, string> } = {},
) {
  const rows = new Map<string, Record<string, string | null>>()
  let offset = '-1'
  let handle: string | undefined
  for (let page = 0; page < 50; page++) {
    const query = new URLSearchParams({ shape, offset, ...(handle ? { handle } : {}) })
    const response = await request.get(`${baseUrl}/api/shape?${query}`, { headers })
    expect(response.status(), `GET /api/shape?${query}`).toBe(200)
    handle = response.headers()['electric-handle']
    offset = response.headers()['electric-offset']
    for (const message of (await response.json()) as ShapeMessage[]) {
      if ('key' in message) {
        if (message.headers.operation === 'delete') rows.delete(message.key)
        else rows.set(message.key, { ...rows.get(message.key), ...message.value })
      } else if (message.headers.control === 'up-to-date') {
        return [...rows.values()]
      }
    }
  }
  throw new Error(`The ${shape} shape did not reach up-to-date`)
}

/** Texts of the caller's todos as Postgres has them (through the proxy, with the caller's cookie). */
export async function syncedTodoTexts(request: APIRequestContext, options?: Parameters<typeof readShapeRows>[2]) {
  const rows = await readShapeRows(request, 'todos', options)
  return rows.map((row) => row.text)
}
