import { createFileRoute } from '@tanstack/react-router'
import { continueWhenSignedIn, validateNextSearch } from '~/features/auth/auth-route'
import { LocalModeNotice } from '~/features/auth/local-mode-notice'
import { SignUpClosedNotice } from '~/features/auth/sign-up-closed-notice'
import { SignUpForm } from '~/features/auth/sign-up-form'

export const Route = createFileRoute('/sign-up')({
  validateSearch: validateNextSearch,
  beforeLoad: continueWhenSignedIn,
  loader: ({ context }) => ({ authMode: context.authMode, signUpOpen: context.signUpOpen }),
  head: () => ({ meta: [{ title: 'Create an account · Session Coach' }] }),
  component: SignUpPage,
})

function SignUpPage() {
  const { authMode, signUpOpen } = Route.useLoaderData()
  const { next } = Route.useSearch()
  if (authMode === 'local') return <LocalModeNotice page="sign-up" />
  return signUpOpen ? <SignUpForm next={next} /> : <SignUpClosedNotice next={next} />
}
