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

/**
 * Waits until the change is in the synced list, where a list is on screen (Settings). The share
 * dialog shows none: there the collection has not started syncing, never sees the txid, and the
 * wait would only run out its whole timeout (5 s) before the link appeared.
 */
async function awaitInSyncedList(txid: number) {
  const status = shareLinksCollection.status
  if (status === 'idle' || status === 'cleaned-up') return
  await shareLinksCollection.utils.awaitTxId(txid).catch(() => {})
}

/** Creates a link and answers its token (returned this once). */
export async function createLink(input: NewShareLink) {
  const result = await createShareLink({ data: input })
  await awaitInSyncedList(txidOf(result))
  return result.token
}

export async function revokeLink(id: string) {
  try {
    const result = await revokeShareLink({ data: { id } })
    await awaitInSyncedList(txidOf(result))
    notify({ tone: 'success', title: 'Link revoked', description: 'Anyone viewing it is cut off within seconds.' })
  } catch (error) {
    notify({ tone: 'destructive', title: 'Could not revoke the link', description: errorMessage(error) })
  }
}
