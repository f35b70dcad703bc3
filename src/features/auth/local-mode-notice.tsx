import { Link } from '@tanstack/react-router'
import { Button } from '~/components/ui/button'
import { AuthFrame } from './auth-frame'

/** /sign-in and /sign-up under AUTH_MODE=local, where there are no accounts to sign in to. */
export function LocalModeNotice({ page }: { page: 'sign-in' | 'sign-up' }) {
  return (
    <AuthFrame
      title={page === 'sign-in' ? 'No sign-in needed' : 'No accounts to create'}
      description="This server runs in local mode."
    >
      <div className="flex flex-col gap-4 text-sm leading-relaxed">
        <p>
          In local mode (<code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">AUTH_MODE=local</code>) every
          browser on this machine is signed in as the local owner, and the server only listens on this machine.
        </p>
        <p className="text-muted-foreground">
          To use accounts with passwords, start the server with{' '}
          <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">AUTH_MODE=password</code>.
        </p>
        <Button asChild className="w-full">
          <Link to="/">Open Session Coach</Link>
        </Button>
      </div>
    </AuthFrame>
  )
}
