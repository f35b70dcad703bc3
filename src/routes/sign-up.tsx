import { createFileRoute } from '@tanstack/react-router'
import { continueWhenSignedIn, validateNextSearch } from '~/features/auth/auth-route'
import { LocalModeNotice } from '~/features/auth/local-mode-notice'
import { SignUpForm } from '~/features/auth/sign-up-form'

export const Route = createFileRoute('/sign-up')({
  validateSearch: validateNextSearch,
  beforeLoad: continueWhenSignedIn,
  loader: ({ context }) => ({ authMode: context.authMode }),
  head: () => ({ meta: [{ title: 'Create an account · Session Coach' }] }),
  component: SignUpPage,
})

function SignUpPage() {
  const { authMode } = Route.useLoaderData()
  const { next } = Route.useSearch()
  return authMode === 'local' ? <LocalModeNotice page="sign-up" /> : <SignUpForm next={next} />
}
