/**
 * The explorer's writes through the sessions collection: each change shows at once (optimistic)
 * and stays when the server's txid comes back through the shape; a refusal rolls it back and
 * says why in a notification.
 */
import { TimeoutWaitingForTxIdError } from '@tanstack/electric-db-collection'
import { sessionsCollection } from '~/collections/sessions-collection'
import { notify } from '~/components/layout/notifications'
import { errorMessage } from '~/lib/error-message'

function sentence(message: string) {
  const trimmed = message.trim()
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** Resolves true when the server confirmed the change, false (after telling the person) when not. */
async function confirmed(persisted: Promise<unknown>, failedTitle: string): Promise<boolean> {
  try {
    await persisted
    return true
  } catch (error) {
    if (error instanceof TimeoutWaitingForTxIdError) {
      // The server accepted the change; only its echo through live sync is late.
      notify({
        tone: 'warning',
        title: 'Saved, but live sync has not confirmed it yet',
        description: 'The list catches up when the sync service answers again. Reload if it does not.',
      })
      return true
    }
    notify({ tone: 'destructive', title: failedTitle, description: sentence(errorMessage(error)) })
    return false
  }
}

export function renameSession(sessionId: string, title: string) {
  const transaction = sessionsCollection.update(sessionId, (draft) => {
    draft.title = title
  })
  return confirmed(transaction.isPersisted.promise, 'Could not rename the session')
}

export async function setArchived(sessionId: string, title: string, archived: boolean) {
  const transaction = sessionsCollection.update(sessionId, (draft) => {
    draft.archivedAt = archived ? new Date() : null
  })
  const ok = await confirmed(
    transaction.isPersisted.promise,
    archived ? 'Could not archive the session' : 'Could not unarchive the session',
  )
  if (ok && archived) {
    notify({
      title: `Archived “${title}”`,
      description: 'Archived sessions are hidden; show them with the “Archived” filter.',
      action: {
        label: 'Undo',
        altText: `Unarchive ${title}`,
        onAction: () => void setArchived(sessionId, title, false),
      },
    })
  }
  return ok
}

export function deleteSession(sessionId: string) {
  const transaction = sessionsCollection.delete(sessionId)
  return confirmed(transaction.isPersisted.promise, 'Could not delete the session')
}
