/**
 * The frame of every chart: a titled card whose chart is one image with a text summary for screen
 * readers, and a "Table" toggle that shows the same numbers as a data table instead.
 */
import { TableIcon } from 'lucide-react'
import { type ReactNode, useId, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '~/components/ui/card'
import { cn } from '~/lib/utils'

export function ChartCard({
  title,
  description,
  summary,
  table,
  children,
  className,
  testId,
  actions,
  wrapInImage = true,
}: {
  title: string
  description?: ReactNode
  /** What the chart shows, in one or two sentences: the chart's text alternative. */
  summary: string
  /** The chart's data as a table (`DataTable`). */
  table: ReactNode
  children: ReactNode
  className?: string
  testId?: string
  /** Extra controls beside the table toggle (e.g. a metric switch). */
  actions?: ReactNode
  /** False when the chart labels its own image (it scrolls, and a scroll container must stay focusable). */
  wrapInImage?: boolean
}) {
  const [showTable, setShowTable] = useState(false)
  const headingId = useId()
  return (
    <Card className={cn('min-w-0', className)} aria-labelledby={headingId} data-testid={testId}>
      <CardHeader className="gap-1.5">
        <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-2">
          <CardTitle id={headingId} className="text-base">
            {title}
          </CardTitle>
          <div className="flex items-center gap-1">
            {actions}
            <Button variant="ghost" size="sm" aria-pressed={showTable} onClick={() => setShowTable((shown) => !shown)}>
              <TableIcon aria-hidden />
              Table
            </Button>
          </div>
        </div>
        {description ? <CardDescription>{description}</CardDescription> : null}
      </CardHeader>
      <CardContent>
        {showTable ? (
          table
        ) : !wrapInImage ? (
          children
        ) : (
          <div role="img" aria-label={summary} className="min-w-0">
            {children}
          </div>
        )}
      </CardContent>
    </Card>
  )
}

export interface DataColumn {
  label: string
  /** Numbers are right-aligned. */
  numeric?: boolean
}

/** A plain, scrollable data table; the first cell of each row is its header. */
export function DataTable({
  caption,
  columns,
  rows,
  empty = 'Nothing to show.',
}: {
  caption: string
  columns: readonly DataColumn[]
  rows: readonly (readonly ReactNode[])[]
  empty?: string
}) {
  if (rows.length === 0) return <p className="py-6 text-center text-muted-foreground text-sm">{empty}</p>
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="max-h-96 overflow-auto rounded-md border" aria-label={caption} tabIndex={0}>
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="sticky top-0 bg-muted text-muted-foreground text-xs">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={cn('px-3 py-2 font-medium', column.numeric ? 'text-right' : 'text-left')}
              >
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, rowIndex) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional, recomputed together
            <tr key={rowIndex} className="border-t">
              {row.map((cell, cellIndex) =>
                cellIndex === 0 ? (
                  <th
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                    key={cellIndex}
                    scope="row"
                    className="max-w-64 break-words px-3 py-1.5 text-left font-normal"
                  >
                    {cell}
                  </th>
                ) : (
                  <td
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                    key={cellIndex}
                    className={cn(
                      'px-3 py-1.5',
                      columns[cellIndex]?.numeric && 'whitespace-nowrap text-right tabular-nums',
                    )}
                  >
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** A chart with no data keeps its card (so the page does not jump) and says why it is empty. */
export function ChartEmpty({ children, height = 220 }: { children: ReactNode; height?: number }) {
  return (
    <div
      className="flex items-center justify-center rounded-md border border-dashed px-6 text-center text-muted-foreground text-sm"
      style={{ height }}
    >
      {children}
    </div>
  )
}
