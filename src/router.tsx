import { createRouter } from '@tanstack/react-router'
import { getGlobalStartContext } from '@tanstack/react-start'
import { NotFoundPanel } from './components/layout/not-found-panel'
import { RouteErrorPanel } from './components/layout/route-error-panel'
import { routeTree } from './routeTree.gen'

/**
 * The request's CSP nonce (set by the global request middleware for HTML responses), so the router
 * stamps it on the inline scripts it renders. Undefined in the browser, and on the server when the
 * router is made outside a request's middleware chain.
 */
function requestCspNonce(): string | undefined {
  try {
    const context = getGlobalStartContext() as { cspNonce?: unknown } | undefined
    return typeof context?.cspNonce === 'string' ? context.cspNonce : undefined
  } catch {
    return undefined
  }
}

export function getRouter() {
  return createRouter({
    routeTree,
    scrollRestoration: true,
    defaultPreload: 'intent',
    defaultErrorComponent: RouteErrorPanel,
    defaultNotFoundComponent: NotFoundPanel,
    ssr: { nonce: requestCspNonce() },
  })
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof getRouter>
  }
}
