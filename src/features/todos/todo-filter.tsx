import { ToggleGroup as ToggleGroupPrimitive } from 'radix-ui'
import { formatCount } from '~/lib/format'
import { isTodoFilter, TODO_FILTERS, type TodoFilter } from './preferences'

const FILTER_LABELS: Record<TodoFilter, string> = { all: 'All', open: 'Open', done: 'Done' }

/** All / Open / Done as a radio group (arrow keys move between them), each with its count. */
export function TodoFilterControl({
  value,
  counts,
  onValueChange,
}: {
  value: TodoFilter
  counts: Record<TodoFilter, number>
  onValueChange: (filter: TodoFilter) => void
}) {
  return (
    <ToggleGroupPrimitive.Root
      type="single"
      value={value}
      // Radix lets a single toggle group be emptied by pressing the active item; a filter cannot be "none".
      onValueChange={(next) => {
        if (isTodoFilter(next)) onValueChange(next)
      }}
      aria-label="Show todos"
      className="inline-flex w-full rounded-lg border bg-muted p-0.5 sm:w-auto"
    >
      {TODO_FILTERS.map((filter) => (
        <ToggleGroupPrimitive.Item
          key={filter}
          value={filter}
          className="inline-flex h-8 flex-1 items-center justify-center gap-1.5 rounded-md px-3 font-medium text-muted-foreground text-sm outline-none transition-colors hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring data-[state=on]:bg-card data-[state=on]:text-foreground data-[state=on]:shadow-xs sm:flex-none"
        >
          {FILTER_LABELS[filter]}
          <span className="rounded-full bg-background/60 px-1.5 text-muted-foreground text-xs tabular-nums">
            {formatCount(counts[filter])}
          </span>
        </ToggleGroupPrimitive.Item>
      ))}
    </ToggleGroupPrimitive.Root>
  )
}
