/** Loading, failure and freshness states shared by both stats pages. */
import { RotateCcwIcon, TriangleAlertIcon } from 'lucide-react'
import { EmptyState } from '~/components/layout/empty-state'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'

export function StatsSkeleton() {
  return (
    <div className="flex flex-col gap-4" data-testid="stats-loading">
      <span className="sr-only" role="status">
        Loading stats…
      </span>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
        {Array.from({ length: 6 }, (_, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholders
          <Skeleton key={index} className="h-20 rounded-xl" />
        ))}
      </div>
      <Skeleton className="h-56 rounded-xl" />
      <div className="grid gap-4 lg:grid-cols-2">
        <Skeleton className="h-72 rounded-xl" />
        <Skeleton className="h-72 rounded-xl" />
      </div>
    </div>
  )
}

export function StatsFailure({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <EmptyState
      icon={TriangleAlertIcon}
      tone="destructive"
      title="The stats could not be loaded"
      actions={
        <Button variant="outline" onClick={onRetry}>
          <RotateCcwIcon aria-hidden />
          Try again
        </Button>
      }
    >
      <p role="alert">{message}</p>
    </EmptyState>
  )
}

const clock = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })

/** "Updated 14:02:11 · live", a refresh button, and the last refresh's failure (the old numbers stay). */
export function StatsStatus({
  loading,
  loadedAt,
  error,
  onReload,
}: {
  loading: boolean
  loadedAt: Date | undefined
  error: string | undefined
  onReload: () => void
}) {
  return (
    <div className="flex flex-wrap items-center justify-end gap-x-3 gap-y-1 text-muted-foreground text-xs">
      {error ? (
        <span className="flex items-center gap-1 text-destructive" role="alert">
          <TriangleAlertIcon className="size-3.5" aria-hidden />
          {error}
        </span>
      ) : null}
      <span role="status" data-testid="stats-freshness">
        {loading ? 'Updating…' : loadedAt ? `Updated ${clock.format(loadedAt)}, follows new events live` : ''}
      </span>
      <Button variant="ghost" size="sm" onClick={onReload} disabled={loading}>
        <RotateCcwIcon aria-hidden />
        Refresh
      </Button>
    </div>
  )
}
