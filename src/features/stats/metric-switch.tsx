/** A small segmented control choosing which number a chart draws; the choice is not a preference. */
import { cn } from '~/lib/utils'

export function MetricSwitch<M extends string>({
  label,
  metrics,
  value,
  onChange,
}: {
  /** What is being chosen, for screen readers ("Measure of the weekly chart"). */
  label: string
  metrics: readonly { id: M; label: string }[]
  value: M
  onChange: (metric: M) => void
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of toggle buttons, not a form fieldset
    <div role="group" aria-label={label} className="flex rounded-md border bg-muted/40 p-0.5">
      {metrics.map((metric) => (
        <button
          key={metric.id}
          type="button"
          aria-pressed={metric.id === value}
          onClick={() => onChange(metric.id)}
          className={cn(
            'rounded px-2 py-1 font-medium text-muted-foreground text-xs outline-none transition-colors hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring',
            'aria-pressed:bg-card aria-pressed:text-foreground aria-pressed:shadow-xs',
          )}
        >
          {metric.label}
        </button>
      ))}
    </div>
  )
}
