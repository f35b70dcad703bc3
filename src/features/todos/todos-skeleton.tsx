import { Skeleton } from '~/components/ui/skeleton'

/** Shown while the todos collection makes its first sync; the same shape as the loaded page. */
export function TodosSkeleton() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true">
      <span className="sr-only" role="status">
        Loading todos…
      </span>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <Skeleton className="h-9 flex-1" />
        <Skeleton className="h-9 w-full sm:w-64" />
      </div>
      <Skeleton className="h-9 w-full sm:w-64" />
      <div className="divide-y rounded-xl border bg-card">
        {[0.7, 0.45, 0.6].map((width) => (
          <div key={width} className="flex items-center gap-3 px-4 py-3.5">
            <Skeleton className="size-4" />
            <Skeleton className="h-4" style={{ width: `${width * 100}%` }} />
          </div>
        ))}
      </div>
    </div>
  )
}
