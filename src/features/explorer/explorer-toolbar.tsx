/** The explorer's search box, sort and filters. Sort and filters are a preference of this browser. */
import { SearchIcon, XIcon } from 'lucide-react'
import { type ReactNode, useId } from 'react'
import { Button } from '~/components/ui/button'
import { Checkbox } from '~/components/ui/checkbox'
import { Input } from '~/components/ui/input'
import { AGENT_LABELS, STATUS_BADGES } from '~/features/sessions/session-list'
import {
  AGENT_FILTERS,
  DEFAULT_EXPLORER_VIEW,
  type ExplorerView,
  hasActiveFilters,
  SIZE_FILTERS,
  type SizeFilter,
  STATUS_FILTERS,
  TIME_FILTERS,
  type TimeFilter,
  updateExplorerView,
} from './explorer-preferences'

const SORT_OPTIONS = {
  'time-desc': 'Newest first',
  'time-asc': 'Oldest first',
  'size-desc': 'Largest first',
  'size-asc': 'Smallest first',
} as const
type SortOption = keyof typeof SORT_OPTIONS

const SIZE_LABELS: Record<SizeFilter, string> = {
  any: 'Any size',
  'under-100kb': 'Under 100 KB',
  '100kb-1mb': '100 KB – 1 MB',
  '1mb-10mb': '1 – 10 MB',
  'over-10mb': 'Over 10 MB',
}

const TIME_LABELS: Record<TimeFilter, string> = {
  all: 'Any time',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
}

function FilterSelect<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string
  value: T
  options: readonly (readonly [T, string])[]
  onChange: (value: T) => void
}) {
  const id = useId()
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="font-medium text-muted-foreground text-xs">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(event) => onChange(event.currentTarget.value as T)}
        className="h-9 w-full min-w-0 rounded-md border border-input bg-card px-2 text-sm shadow-xs outline-none focus-visible:border-ring focus-visible:ring-2 focus-visible:ring-ring/40"
      >
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </div>
  )
}

export function ExplorerToolbar({
  view,
  query,
  onQueryChange,
  problems,
  summary,
}: {
  view: ExplorerView
  query: string
  onQueryChange: (query: string) => void
  problems: readonly string[]
  summary: ReactNode
}) {
  const problemsId = useId()
  const archivedId = useId()
  const sort = `${view.sort}-${view.direction}` as SortOption
  return (
    <div className="flex flex-col gap-3 rounded-xl border bg-card/60 p-3 shadow-xs">
      <div className="relative">
        <SearchIcon
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden
        />
        <Input
          type="search"
          value={query}
          onChange={(event) => onQueryChange(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.preventDefault()
              onQueryChange('')
            }
          }}
          aria-label="Search sessions"
          aria-describedby={problems.length > 0 ? problemsId : undefined}
          aria-invalid={problems.length > 0 ? true : undefined}
          placeholder="Title, repo, branch, id, model or /regex/"
          className="pl-9 font-mono text-[13px] placeholder:font-sans"
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      {problems.length > 0 ? (
        <ul id={problemsId} className="flex flex-col gap-0.5 text-warning text-xs" aria-live="polite">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3 lg:grid-cols-5">
        <FilterSelect
          label="Sort"
          value={sort}
          options={Object.entries(SORT_OPTIONS) as [SortOption, string][]}
          onChange={(value) => {
            const [sortBy, direction] = value.split('-') as [ExplorerView['sort'], ExplorerView['direction']]
            updateExplorerView({ sort: sortBy, direction })
          }}
        />
        <FilterSelect
          label="Agent"
          value={view.agent}
          options={AGENT_FILTERS.map((agent) => [agent, agent === 'all' ? 'All agents' : AGENT_LABELS[agent]] as const)}
          onChange={(agent) => updateExplorerView({ agent })}
        />
        <FilterSelect
          label="Status"
          value={view.status}
          options={STATUS_FILTERS.map(
            (status) => [status, status === 'all' ? 'Any status' : STATUS_BADGES[status].label] as const,
          )}
          onChange={(status) => updateExplorerView({ status })}
        />
        <FilterSelect
          label="Size"
          value={view.size}
          options={SIZE_FILTERS.map((size) => [size, SIZE_LABELS[size]] as const)}
          onChange={(size) => updateExplorerView({ size })}
        />
        <FilterSelect
          label="Time"
          value={view.time}
          options={TIME_FILTERS.map((time) => [time, TIME_LABELS[time]] as const)}
          onChange={(time) => updateExplorerView({ time })}
        />
      </div>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        <div className="flex items-center gap-2">
          <Checkbox
            id={archivedId}
            checked={view.showArchived}
            onCheckedChange={(checked) => updateExplorerView({ showArchived: checked === true })}
          />
          <label htmlFor={archivedId} className="text-sm">
            Show archived
          </label>
        </div>
        <div className="flex items-center gap-3">
          <p className="text-muted-foreground text-xs tabular-nums" aria-live="polite" data-testid="explorer-summary">
            {summary}
          </p>
          {hasActiveFilters(view) ? (
            <Button
              variant="ghost"
              size="sm"
              onClick={() =>
                updateExplorerView({ ...DEFAULT_EXPLORER_VIEW, sort: view.sort, direction: view.direction })
              }
            >
              <XIcon aria-hidden />
              Clear filters
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  )
}
