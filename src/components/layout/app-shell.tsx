import { MenuIcon } from 'lucide-react'
import { type ReactNode, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Sheet, SheetContent, SheetDescription, SheetTitle, SheetTrigger } from '~/components/ui/sheet'
import { Brand } from './brand'
import { NavigationLinks } from './navigation-links'
import { Notifications } from './notifications'
import { KeyboardShortcuts } from './shortcuts/keyboard-shortcuts'
import { ThemeToggle } from './theme-toggle'
import { type CurrentUser, UserMenu } from './user-menu'

export const MAIN_CONTENT_ID = 'main-content'

function MobileNavigation() {
  const [open, setOpen] = useState(false)
  const close = () => setOpen(false)
  return (
    <Sheet open={open} onOpenChange={setOpen}>
      <SheetTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label="Open navigation">
          <MenuIcon aria-hidden />
        </Button>
      </SheetTrigger>
      <SheetContent closeLabel="Close navigation">
        <SheetTitle asChild>
          <div className="px-1 pt-0.5">
            <Brand onNavigate={close} />
          </div>
        </SheetTitle>
        <SheetDescription className="sr-only">Go to a section of Session Coach</SheetDescription>
        <nav aria-label="Main">
          <NavigationLinks onNavigate={close} />
        </nav>
      </SheetContent>
    </Sheet>
  )
}

/** `currentUser` is absent where the shell wraps a failure outside the `_app` layout. */
export function AppShell({ children, currentUser }: { children: ReactNode; currentUser?: CurrentUser }) {
  return (
    <div className="flex min-h-dvh">
      <a
        href={`#${MAIN_CONTENT_ID}`}
        className="sr-only z-50 rounded-md bg-primary font-medium text-primary-foreground text-sm shadow-lg focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:px-4 focus:py-2 focus:outline-none focus:ring-2 focus:ring-ring focus:ring-offset-2 focus:ring-offset-background"
      >
        Skip to content
      </a>
      <aside className="hidden w-60 shrink-0 border-r bg-sidebar md:block">
        <div className="sticky top-0 flex max-h-dvh flex-col gap-6 overflow-y-auto px-3 py-4">
          <div className="px-2">
            <Brand />
          </div>
          <nav aria-label="Main">
            <NavigationLinks />
          </nav>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background/85 px-4 backdrop-blur supports-[backdrop-filter]:bg-background/70 md:px-8">
          <MobileNavigation />
          <div className="md:hidden">
            <Brand />
          </div>
          <div className="ml-auto flex items-center gap-1">
            <KeyboardShortcuts />
            <ThemeToggle />
            {currentUser ? <UserMenu currentUser={currentUser} /> : null}
          </div>
        </header>
        <main id={MAIN_CONTENT_ID} tabIndex={-1} className="flex-1 px-4 py-6 outline-none md:px-8 md:py-8">
          <div className="mx-auto w-full max-w-6xl">{children}</div>
        </main>
        <Notifications />
      </div>
    </div>
  )
}
