/** The headline numbers above the charts. */
import type { LucideIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { cn } from '~/lib/utils'

export interface StatTile {
  label: string
  value: ReactNode
  detail?: ReactNode
  icon: LucideIcon
  tone?: 'default' | 'destructive'
  testId?: string
}

export function StatTiles({ tiles }: { tiles: readonly StatTile[] }) {
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
      {tiles.map(({ label, value, detail, icon: Icon, tone, testId }) => (
        <div key={label} className="flex min-w-0 flex-col gap-1 rounded-xl border bg-card px-4 py-3 shadow-xs">
          <dt className="flex items-center justify-between gap-2 text-muted-foreground text-xs">
            <span className="truncate font-medium">{label}</span>
            <Icon className={cn('size-4 shrink-0', tone === 'destructive' && 'text-destructive')} aria-hidden />
          </dt>
          <dd
            className={cn(
              'font-semibold text-xl tabular-nums tracking-tight',
              tone === 'destructive' && 'text-destructive',
            )}
            data-testid={testId}
          >
            {value}
          </dd>
          {detail ? <dd className="line-clamp-2 text-muted-foreground text-xs">{detail}</dd> : null}
        </div>
      ))}
    </dl>
  )
}
