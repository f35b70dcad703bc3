import { createRouter } from '@tanstack/react-router'
import { NotFoundPanel } from './components/layout/not-found-panel'
import { RouteErrorPanel } from './components/layout/route-error-panel'
import { routeTree } from './routeTree.gen'

export function getRouter() {
  return createRouter({
    routeTree,
    scrollRestoration: true,
    defaultPreload: 'intent',
    defaultErrorComponent: RouteErrorPanel,
    defaultNotFoundComponent: NotFoundPanel,
  })
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof getRouter>
  }
}
