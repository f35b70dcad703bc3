import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { shapeOptions } from './shape-options'

export type ShareLinkRow = ShapeRow<'share_links'>

/**
 * The account's share links (never their token hashes), listed in Settings and on a session's
 * share dialog. Created and revoked through server functions; the views await their txids here.
 */
export const shareLinksCollection = createCollection(
  electricCollectionOptions<ShareLinkRow>({
    id: collectionIdOf('share_links'),
    getKey: rowKeyOf('share_links'),
    shapeOptions: shapeOptions('share_links'),
  }),
)
