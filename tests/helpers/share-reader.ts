import type { Database } from '../../src/db/client'
import type { AccessWatch } from '../../src/server/shapes/access-watch'
import { serveShareShape } from '../../src/server/share/share-shape'
import type { SyncTarget } from './sync-target'

export type ShapeItem = { key?: string; value?: Record<string, unknown>; headers: Record<string, unknown> }

/** A share visitor's request to `/api/share/shape`, answered in-process by the real handler. */
export function shareRequester(db: Database, sync: SyncTarget, watch: AccessWatch) {
  return (query: string, init: RequestInit = {}) =>
    serveShareShape(new Request(`http://app.test/api/share/shape?${query}`, init), {
      db,
      watch,
      electricUrl: sync.url,
      electricSecret: sync.secret,
    })
}

/** Reads a share shape from the start until up-to-date; returns its rows and the last handle/offset. */
export async function readShareRows(request: ReturnType<typeof shareRequester>, query: string) {
  let response = await request(`${query}&offset=-1`)
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  const rows: Record<string, unknown>[] = []
  for (let i = 0; i < 10; i++) {
    const items = (await response.json()) as ShapeItem[]
    for (const item of items) if (item.value) rows.push(item.value)
    const handle = response.headers.get('electric-handle') ?? ''
    const offset = response.headers.get('electric-offset') ?? ''
    if (items.at(-1)?.headers.control === 'up-to-date') return { rows, handle, offset }
    response = await request(`${query}&offset=${offset}&handle=${handle}`)
    if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
  }
  throw new Error('shape never became up to date')
}
