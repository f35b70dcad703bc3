import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { shapeOptions } from './shape-options'

/** Every session of the account (metadata only; events sync per session on demand). Read-only here. */
export const sessionsCollection = createCollection(
  electricCollectionOptions<ShapeRow<'sessions'>>({
    id: collectionIdOf('sessions'),
    getKey: rowKeyOf('sessions'),
    shapeOptions: shapeOptions('sessions'),
  }),
)
