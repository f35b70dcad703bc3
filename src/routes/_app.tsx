import { createFileRoute, Outlet } from '@tanstack/react-router'
import { AppShell } from '~/components/layout/app-shell'
import { getCurrentUser } from '~/server/functions/auth'

/** Every page with the navigation shell. Sign-in and sign-up sit beside this layout. */
export const Route = createFileRoute('/_app')({
  loader: () => getCurrentUser(),
  // Who is signed in changes only with sign-in/sign-out, and both end in a full page load.
  staleTime: Number.POSITIVE_INFINITY,
  component: AppLayout,
})

function AppLayout() {
  const currentUser = Route.useLoaderData()
  return (
    <AppShell currentUser={currentUser}>
      <Outlet />
    </AppShell>
  )
}
