import { createFileRoute, redirect } from '@tanstack/react-router'
import { LocalModeNotice } from '~/features/auth/local-mode-notice'
import { safeNextPath } from '~/features/auth/safe-next-path'
import { SignUpForm } from '~/features/auth/sign-up-form'
import { getCurrentUser } from '~/server/functions/auth'

export const Route = createFileRoute('/sign-up')({
  validateSearch: (search: Record<string, unknown>): { next?: string } =>
    typeof search.next === 'string' ? { next: search.next } : {},
  beforeLoad: async ({ search }) => {
    const currentUser = await getCurrentUser()
    if (currentUser.authMode === 'password' && currentUser.user) throw redirect({ href: safeNextPath(search.next) })
    return { authMode: currentUser.authMode }
  },
  loader: ({ context }) => ({ authMode: context.authMode }),
  head: () => ({ meta: [{ title: 'Create an account · Session Coach' }] }),
  component: SignUpPage,
})

function SignUpPage() {
  const { authMode } = Route.useLoaderData()
  const { next } = Route.useSearch()
  return authMode === 'local' ? <LocalModeNotice page="sign-up" /> : <SignUpForm next={next} />
}
