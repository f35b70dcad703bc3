/**
 * Collections of a share link's visitor: the same rows as the owner's collections, read through
 * `/api/share/shape` with the token instead of a cookie. One collection per (shape, token), cached
 * for the page's life. A refused request (404 unknown token, 410 revoked or expired link) is kept
 * as the collection's sync failure, which the page shows as the link's end.
 */
import { type GetExtensions, type ShapeStreamOptions, snakeCamelMapper } from '@electric-sql/client'
import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { addOrdinalIndexes } from '~/collections/ordinal-order'
import { clearSyncFailure, recordSyncFailure } from '~/collections/sync-failures'
import type { TimelineEventsCollection } from '~/features/timeline/use-timeline-events'
import { rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { SHARE_SHAPES, SHARE_TOKEN_PARAM, type ShareShapeName } from '~/sync/share-catalog'

type RowOfShare<S extends ShareShapeName> = ShapeRow<(typeof SHARE_SHAPES)[S]['catalogShape']>

/** The id every failure of a share page's collections is kept under (the token stays out of it). */
export function shareFailureId(shape: ShareShapeName, sessionId: string) {
  return `share:${shape}:${sessionId}`
}

function shareShapeOptions<S extends ShareShapeName>(
  shape: S,
  token: string,
  sessionId: string,
): ShapeStreamOptions<GetExtensions<RowOfShare<S>>> {
  const failureId = shareFailureId(shape, sessionId)
  const parser = { timestamptz: (value: string) => new Date(value), int8: (value: string) => Number(value) }
  return {
    url:
      typeof window === 'undefined'
        ? 'http://localhost/api/share/shape'
        : new URL('/api/share/shape', window.location.origin).toString(),
    params: { shape, [SHARE_TOKEN_PARAM]: token },
    columnMapper: snakeCamelMapper(),
    parser: parser as unknown as ShapeStreamOptions<GetExtensions<RowOfShare<S>>>['parser'],
    backoffOptions: { initialDelay: 250, maxDelay: 5_000, multiplier: 2 },
    fetchClient: async (input, init) => {
      const response = await fetch(input, { ...init, referrerPolicy: 'no-referrer' })
      if (response.ok) clearSyncFailure(failureId)
      return response
    },
    onError: (error) => {
      recordSyncFailure(failureId, error)
    },
  }
}

function createShareCollection<S extends ShareShapeName>(shape: S, token: string, sessionId: string) {
  const catalogShape = SHARE_SHAPES[shape].catalogShape
  const onDemand = shape === 'timeline_events'
  const collection = createCollection(
    electricCollectionOptions({
      id: `share:${shape}:${sessionId}:${Math.random().toString(36).slice(2)}`,
      getKey: rowKeyOf(catalogShape) as unknown as (row: RowOfShare<S>) => string | number,
      syncMode: onDemand ? 'on-demand' : 'eager',
      shapeOptions: shareShapeOptions(shape, token, sessionId),
    }),
  )
  if (onDemand) addOrdinalIndexes(collection)
  return collection
}

const cache = new Map<string, ReturnType<typeof createShareCollection>>()

export function shareCollection<S extends ShareShapeName>(shape: S, token: string, sessionId: string) {
  const key = `${shape}\u0000${token}`
  let collection = cache.get(key)
  if (!collection) {
    collection = createShareCollection(shape, token, sessionId) as ReturnType<typeof createShareCollection>
    cache.set(key, collection)
  }
  return collection as unknown as ReturnType<typeof createShareCollection<S>>
}

export function shareTimelineCollection(token: string, sessionId: string) {
  return shareCollection('timeline_events', token, sessionId) as unknown as TimelineEventsCollection
}
