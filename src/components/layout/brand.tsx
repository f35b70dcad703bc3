import { Link } from '@tanstack/react-router'
import { GaugeIcon } from 'lucide-react'

export function Brand({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <Link
      to="/"
      onClick={onNavigate}
      className="flex items-center gap-2 rounded-md font-semibold tracking-tight outline-none focus-visible:ring-2 focus-visible:ring-ring"
    >
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground">
        <GaugeIcon className="size-4" aria-hidden />
      </span>
      Session Coach
    </Link>
  )
}
