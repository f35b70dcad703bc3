import { createFileRoute, Outlet } from '@tanstack/react-router'
import { AppShell } from '~/components/layout/app-shell'

/** Every page with the navigation shell. Pages without it (sign-in, later) sit beside this layout. */
export const Route = createFileRoute('/_app')({
  component: () => (
    <AppShell>
      <Outlet />
    </AppShell>
  ),
})
