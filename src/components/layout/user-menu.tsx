import { Link } from '@tanstack/react-router'
import { LogInIcon, LogOutIcon } from 'lucide-react'
import { useState } from 'react'
import { Button } from '~/components/ui/button'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu'
import { errorMessage } from '~/lib/error-message'
import { signOut } from '~/server/functions/auth'
import { notify } from './notifications'

export interface CurrentUser {
  authMode: 'local' | 'password'
  user: { id: string; displayName: string; email: string | null } | null
}

function initials(name: string) {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
  return letters.join('') || '?'
}

/**
 * Who is signed in, and "Sign out". Sign-out ends with a full page load so no synced rows of
 * this user stay in memory: in password mode at the sign-in page, in local mode on the same page
 * (which signs this browser in again as the local owner with a fresh session).
 */
export function UserMenu({ currentUser }: { currentUser: CurrentUser }) {
  const [signingOut, setSigningOut] = useState(false)
  const { user, authMode } = currentUser

  if (!user) {
    return authMode === 'password' ? (
      <Button asChild variant="ghost" size="sm">
        <Link to="/sign-in">
          <LogInIcon aria-hidden />
          Sign in
        </Link>
      </Button>
    ) : null
  }

  async function handleSignOut() {
    setSigningOut(true)
    try {
      await signOut()
      if (authMode === 'password') window.location.assign('/sign-in')
      else window.location.reload()
    } catch (error) {
      setSigningOut(false)
      notify({
        tone: 'destructive',
        title: 'Could not sign out',
        description: `${errorMessage(error) || 'The server could not be reached.'} You are still signed in; try again.`,
      })
    }
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        {/* The name is the button's visible text and its accessible name (WCAG 2.5.3: an aria-label
            that differs from what is shown fails speech users); below `sm` it is read but not shown. */}
        <Button variant="ghost" className="gap-2 px-2">
          <span className="sr-only">Account: </span>
          <span
            aria-hidden
            className="flex size-7 items-center justify-center rounded-full bg-primary/15 font-semibold text-primary text-xs"
          >
            {initials(user.displayName)}
          </span>
          <span className="sr-only max-w-40 truncate sm:not-sr-only">{user.displayName}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end" className="w-60">
        <DropdownMenuLabel className="flex flex-col gap-0.5">
          <span className="truncate font-semibold text-foreground text-sm">{user.displayName}</span>
          <span className="truncate font-normal">
            {user.email ?? (authMode === 'local' ? 'Local mode: this machine only' : '')}
          </span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem
          disabled={signingOut}
          onSelect={(event) => {
            // Keep the menu open until the request finishes, so a failure has somewhere to show.
            event.preventDefault()
            void handleSignOut()
          }}
        >
          <LogOutIcon aria-hidden />
          {signingOut ? 'Signing out…' : 'Sign out'}
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  )
}
