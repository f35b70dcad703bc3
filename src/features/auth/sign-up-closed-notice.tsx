import { Link } from '@tanstack/react-router'
import { Button } from '~/components/ui/button'
import { AuthFrame } from './auth-frame'

/** /sign-up when ALLOW_SIGNUP is off (the default): accounts are made by the server's operator. */
export function SignUpClosedNotice({ next }: { next: string | undefined }) {
  return (
    <AuthFrame title="Sign-up is closed" description="This server does not let visitors create accounts.">
      <div className="flex flex-col gap-4 text-sm leading-relaxed">
        <p>
          Accounts on this server are created by its operator. Ask them for one; they make it with{' '}
          <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">pnpm user:create</code>.
        </p>
        <p className="text-muted-foreground">
          Operators who want anyone to be able to sign up can start the server with{' '}
          <code className="rounded bg-muted px-1 py-0.5 font-mono text-xs">ALLOW_SIGNUP=true</code>.
        </p>
        <Button asChild className="w-full">
          <Link to="/sign-in" search={{ next }}>
            Sign in with an existing account
          </Link>
        </Button>
      </div>
    </AuthFrame>
  )
}
