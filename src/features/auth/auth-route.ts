/** What /sign-in and /sign-up do before rendering: read `?next=`, and skip the form when signed in. */
import { redirect } from '@tanstack/react-router'
import { getCurrentUser } from '~/server/functions/auth'
import { safeNextPath } from './safe-next-path'

export function validateNextSearch(search: Record<string, unknown>): { next?: string } {
  return typeof search.next === 'string' ? { next: search.next } : {}
}

/** In password mode a signed-in visitor goes straight on to `next`; otherwise the page needs the mode. */
export async function continueWhenSignedIn({ search }: { search: { next?: string } }) {
  const currentUser = await getCurrentUser()
  if (currentUser.authMode === 'password' && currentUser.user) throw redirect({ href: safeNextPath(search.next) })
  return { authMode: currentUser.authMode, signUpOpen: currentUser.signUpOpen }
}
