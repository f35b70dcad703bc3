import { Link, useRouterState } from '@tanstack/react-router'
import { cn } from '~/lib/utils'
import { NAVIGATION } from './navigation'

export function NavigationLinks({ onNavigate, className }: { onNavigate?: () => void; className?: string }) {
  const pathname = useRouterState({ select: (state) => state.location.pathname })
  return (
    <ul className={cn('flex flex-col gap-1', className)}>
      {NAVIGATION.map(({ to, label, icon: Icon, exact, activeUnder }) => (
        <li key={to}>
          <Link
            to={to}
            activeOptions={{ exact: exact ?? false }}
            aria-current={activeUnder && pathname.startsWith(activeUnder) ? 'page' : undefined}
            onClick={onNavigate}
            className="group flex items-center gap-3 rounded-md px-3 py-2 font-medium text-muted-foreground text-sm outline-none transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:ring-2 focus-visible:ring-ring aria-[current=page]:bg-primary/10 aria-[current=page]:text-primary"
          >
            <Icon className="size-4 shrink-0" aria-hidden />
            {label}
          </Link>
        </li>
      ))}
    </ul>
  )
}
