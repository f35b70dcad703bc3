/// <reference types="vite/client" />
import { createRootRoute, HeadContent, Scripts, useRouter } from '@tanstack/react-router'
import { type ReactNode, useEffect } from 'react'
import { AppShell } from '~/components/layout/app-shell'
import { NotFoundPanel } from '~/components/layout/not-found-panel'
import { RouteErrorPanel } from '~/components/layout/route-error-panel'
import { TooltipProvider } from '~/components/ui/tooltip'
import { themeBootScript } from '~/lib/preferences'
import { storageGuardScript } from '~/lib/storage-guard'
import { useDocumentTheme } from '~/lib/theme'
import appCss from '~/styles/app.css?url'

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/><path d="M9 21a7 7 0 1 1 14 0" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/><path d="M16 21l4-5" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>',
)}`

export const Route = createRootRoute({
  head: () => ({
    meta: [
      { charSet: 'utf-8' },
      { name: 'viewport', content: 'width=device-width, initial-scale=1' },
      { title: 'Session Coach' },
      {
        name: 'description',
        content: 'Searchable timelines of AI coding-agent sessions, with a coach that checks them against your rules.',
      },
      { name: 'color-scheme', content: 'light dark' },
    ],
    links: [
      { rel: 'stylesheet', href: appCss },
      { rel: 'icon', href: FAVICON },
    ],
  }),
  shellComponent: RootDocument,
  // Pages live under the pathless `_app` layout; these two cover URLs and failures outside it.
  notFoundComponent: () => (
    <AppShell>
      <NotFoundPanel />
    </AppShell>
  ),
  errorComponent: (props) => (
    <AppShell>
      <RouteErrorPanel {...props} />
    </AppShell>
  ),
})

function RootDocument({ children }: { children: ReactNode }) {
  useDocumentTheme()
  // The server's per-response CSP nonce; undefined in the browser, where this script never runs again.
  const cspNonce = useRouter().options.ssr?.nonce
  useEffect(() => {
    // End-to-end tests wait for this before interacting (clicks before hydration are lost).
    document.documentElement.dataset.hydrated = 'true'
  }, [])
  return (
    // The boot script sets the theme class before React hydrates, so <html> attributes differ by design.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant we author, needed before any module runs */}
        <script nonce={cspNonce} dangerouslySetInnerHTML={{ __html: storageGuardScript }} />
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant we author, needed before first paint */}
        <script nonce={cspNonce} dangerouslySetInnerHTML={{ __html: themeBootScript }} />
        <HeadContent />
      </head>
      <body>
        <TooltipProvider>{children}</TooltipProvider>
        <Scripts />
      </body>
    </html>
  )
}
