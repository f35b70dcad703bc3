import type { ReactNode } from 'react'
import { Brand } from '~/components/layout/brand'
import { ThemeToggle } from '~/components/layout/theme-toggle'
import { Card, CardContent, CardDescription, CardFooter, CardHeader } from '~/components/ui/card'

/** The page around sign-in and sign-up: no navigation shell, just the form in a centred card. */
export function AuthFrame({
  title,
  description,
  children,
  footer,
}: {
  title: string
  description?: ReactNode
  children: ReactNode
  footer?: ReactNode
}) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex h-14 items-center justify-between px-4 md:px-8">
        <Brand />
        <ThemeToggle />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-6 pb-16 sm:items-center sm:pt-0">
        <Card className="w-full max-w-sm gap-5 py-6">
          <CardHeader className="gap-1.5 px-6">
            <h1 className="font-semibold text-xl tracking-tight">{title}</h1>
            {description ? <CardDescription>{description}</CardDescription> : null}
          </CardHeader>
          <CardContent className="px-6">{children}</CardContent>
          {footer ? (
            <CardFooter className="justify-center px-6 text-muted-foreground text-sm">{footer}</CardFooter>
          ) : null}
        </Card>
      </main>
    </div>
  )
}
