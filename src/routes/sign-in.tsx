import { createFileRoute } from '@tanstack/react-router'
import { continueWhenSignedIn, validateNextSearch } from '~/features/auth/auth-route'
import { LocalModeNotice } from '~/features/auth/local-mode-notice'
import { SignInForm } from '~/features/auth/sign-in-form'

export const Route = createFileRoute('/sign-in')({
  validateSearch: validateNextSearch,
  beforeLoad: continueWhenSignedIn,
  loader: ({ context }) => ({ authMode: context.authMode, signUpOpen: context.signUpOpen }),
  head: () => ({ meta: [{ title: 'Sign in · Session Coach' }] }),
  component: SignInPage,
})

function SignInPage() {
  const { authMode, signUpOpen } = Route.useLoaderData()
  const { next } = Route.useSearch()
  return authMode === 'local' ? <LocalModeNotice page="sign-in" /> : <SignInForm next={next} signUpOpen={signUpOpen} />
}
