import { createFileRoute, redirect } from '@tanstack/react-router'
import { LocalModeNotice } from '~/features/auth/local-mode-notice'
import { safeNextPath } from '~/features/auth/safe-next-path'
import { SignInForm } from '~/features/auth/sign-in-form'
import { getCurrentUser } from '~/server/functions/auth'

export const Route = createFileRoute('/sign-in')({
  validateSearch: (search: Record<string, unknown>): { next?: string } =>
    typeof search.next === 'string' ? { next: search.next } : {},
  beforeLoad: async ({ search }) => {
    const currentUser = await getCurrentUser()
    // Already signed in (password mode): carry on to where they were going.
    if (currentUser.authMode === 'password' && currentUser.user) throw redirect({ href: safeNextPath(search.next) })
    return { authMode: currentUser.authMode }
  },
  loader: ({ context }) => ({ authMode: context.authMode }),
  head: () => ({ meta: [{ title: 'Sign in · Session Coach' }] }),
  component: SignInPage,
})

function SignInPage() {
  const { authMode } = Route.useLoaderData()
  const { next } = Route.useSearch()
  return authMode === 'local' ? <LocalModeNotice page="sign-in" /> : <SignInForm next={next} />
}
