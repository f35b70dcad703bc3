import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { shapeOptions } from './shape-options'

/**
 * Sessions of other accounts shared with the signed-in user (team membership), read-only. The
 * server computes which ones; when that set changes the shape is refetched (must-refetch) and rows
 * come and go without a reload.
 */
export const sharedSessionsCollection = createCollection(
  electricCollectionOptions<ShapeRow<'shared_sessions'>>({
    id: collectionIdOf('shared_sessions'),
    getKey: rowKeyOf('shared_sessions'),
    shapeOptions: shapeOptions('shared_sessions'),
  }),
)
