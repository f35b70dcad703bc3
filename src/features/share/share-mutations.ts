import { txidOf } from '~/collections/mutation-result'
import { shareLinksCollection } from '~/collections/share-links-collection'
import { notify } from '~/components/layout/notifications'
import { errorMessage } from '~/lib/error-message'
import { createShareLink, revokeShareLink } from '~/server/functions/share-links'

export interface NewShareLink {
  sessionId: string
  expiresInMinutes: number | null
  includeUploads: boolean
  includeRules: boolean
  includeCoach: boolean
}

/** Creates a link and waits until it is in the synced list; the token is returned this once. */
export async function createLink(input: NewShareLink) {
  const result = await createShareLink({ data: input })
  await shareLinksCollection.utils.awaitTxId(txidOf(result)).catch(() => {})
  return result.token
}

export async function revokeLink(id: string) {
  try {
    const result = await revokeShareLink({ data: { id } })
    await shareLinksCollection.utils.awaitTxId(txidOf(result)).catch(() => {})
    notify({ tone: 'success', title: 'Link revoked', description: 'Anyone viewing it is cut off within seconds.' })
  } catch (error) {
    notify({ tone: 'destructive', title: 'Could not revoke the link', description: errorMessage(error) })
  }
}
