import { electricCollectionOptions } from '@tanstack/electric-db-collection'
import { createCollection } from '@tanstack/react-db'
import type { CreateApiTokenInput } from '~/domain/api-tokens/api-token-input'
import { createApiToken, revokeApiToken } from '~/server/functions/api-tokens'
import { collectionIdOf, rowKeyOf, type ShapeRow } from '~/sync/catalog'
import { SYNC_CONFIRMATION_TIMEOUT_MS, txidOf } from './mutation-result'
import { shapeOptions } from './shape-options'

export type ApiTokenRow = ShapeRow<'api_tokens'>

/**
 * The signed-in user's API tokens (Settings), without their hashes. Not optimistic: the secret
 * exists only in the server's answer to a create, so the list changes when the server's txid comes
 * back through the shape.
 */
export const apiTokensCollection = createCollection(
  electricCollectionOptions<ApiTokenRow>({
    id: collectionIdOf('api_tokens'),
    getKey: rowKeyOf('api_tokens'),
    shapeOptions: shapeOptions('api_tokens'),
  }),
)

/** Creates a token; resolves with its secret once the new row is in the collection. */
export async function createApiTokenAndWait(input: CreateApiTokenInput) {
  const result = await createApiToken({ data: input })
  await apiTokensCollection.utils.awaitTxId(txidOf(result), SYNC_CONFIRMATION_TIMEOUT_MS)
  return { id: result.id, token: result.token }
}

export async function revokeApiTokenAndWait(id: string) {
  const result = await revokeApiToken({ data: { id } })
  await apiTokensCollection.utils.awaitTxId(txidOf(result), SYNC_CONFIRMATION_TIMEOUT_MS)
}
