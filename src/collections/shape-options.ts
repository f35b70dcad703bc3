/**
 * Shape stream options shared by every collection: the app's own authorizing proxy as the URL, the
 * shape selector as the only shape parameter, snake_case → camelCase column names, and parsers that
 * turn Postgres text into the JS types Drizzle gives the server (Date for timestamps, number for
 * our bigints). So a collection row has exactly the type `ShapeRow<S>`: the table's
 * `$inferSelect` without the catalog's hidden columns (held by `catalog-rows.test-d.ts`).
 */
import { type GetExtensions, type ShapeStreamOptions, snakeCamelMapper } from '@electric-sql/client'
import { collectionIdOf, type ShapeName, type ShapeRow } from '~/sync/catalog'
import { clearSyncFailure, recordSyncFailure } from './sync-failures'

function shapeUrl() {
  // Collections only sync in the browser; on the server this URL is never fetched.
  return typeof window === 'undefined'
    ? 'http://localhost/api/shape'
    : new URL('/api/shape', window.location.origin).toString()
}

export function shapeOptions<S extends ShapeName>(
  shape: S,
  sessionId?: string,
): ShapeStreamOptions<GetExtensions<ShapeRow<S>>> {
  const collectionId = collectionIdOf(shape, sessionId)
  const parser = {
    timestamptz: (value: string) => new Date(value),
    // Our int8 columns (sizes, token counts, seq) stay far below 2^53.
    int8: (value: string) => Number(value),
  }
  return {
    url: shapeUrl(),
    params: sessionId ? { shape, session: sessionId } : { shape },
    columnMapper: snakeCamelMapper(),
    parser: parser as unknown as ShapeStreamOptions<GetExtensions<ShapeRow<S>>>['parser'],
    // Network failures and 5xx are retried forever; this caps the wait between attempts so a
    // restarted sync service is picked up within seconds (the proxy's retry-after sets the floor).
    backoffOptions: { initialDelay: 250, maxDelay: 5_000, multiplier: 2 },
    // A shape answer that succeeds again means this collection syncs: its old failure goes away.
    fetchClient: async (input, init) => {
      const response = await fetch(input, init)
      if (response.ok) clearSyncFailure(collectionId)
      return response
    },
    // Only refusals reach here (401/403/400): retrying cannot help, so the stream stops and the
    // page says why instead of silently showing rows that no longer update.
    onError: (error) => {
      recordSyncFailure(collectionId, error)
    },
  }
}
