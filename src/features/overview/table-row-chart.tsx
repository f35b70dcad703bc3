import { Badge } from '~/components/ui/badge'
import { formatCount } from '~/lib/format'
import type { TableRowCount } from '~/server/repositories/overview-repository'

/** A table of counts with a proportional bar per row; the bars are decoration, the numbers are the data. */
export function TableRowChart({
  tables,
  caption,
  testIdPrefix,
}: {
  tables: readonly TableRowCount[]
  caption: string
  /** `data-testid` of each count is this plus the table name. */
  testIdPrefix: string
}) {
  const largest = Math.max(0, ...tables.map((table) => table.rows ?? 0))
  return (
    <table className="w-full border-collapse text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="sr-only">
        <tr>
          <th scope="col">Table</th>
          <th scope="col">Rows</th>
        </tr>
      </thead>
      <tbody>
        {tables.map(({ table, rows }) => {
          const share = rows && largest > 0 ? Math.max(rows / largest, 0.015) : 0
          return (
            <tr key={table} data-table={table} className="group">
              <th scope="row" className="w-[42%] py-1.5 pr-3 text-left font-mono font-normal text-xs sm:w-[34%]">
                {table}
              </th>
              <td className="py-1.5">
                <div className="flex items-center gap-3">
                  <div className="h-2 flex-1 overflow-hidden rounded-full bg-muted" aria-hidden>
                    <div
                      className="h-full rounded-full bg-chart transition-[width] duration-500"
                      style={{ width: `${share * 100}%` }}
                    />
                  </div>
                  <span className="w-16 shrink-0 text-right tabular-nums" data-testid={`${testIdPrefix}${table}`}>
                    {rows === null ? <Badge variant="warning">missing</Badge> : formatCount(rows)}
                  </span>
                </div>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
