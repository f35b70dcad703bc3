/**
 * The timeline's controls, all of them links or forms that change the URL: the event filter, the
 * role / type / command family / origin selects, the event range, the order, and the in-session
 * search with next/previous (not for a share link's visitor: `find` is null). The links and
 * navigations stay on the current address (`to="."`), the owner's `/sessions/<id>` or a visitor's
 * `/share/<token>`.
 */
import { Link, useNavigate } from '@tanstack/react-router'
import { ArrowDownUpIcon, ChevronDownIcon, ChevronUpIcon, FilterXIcon, SlidersHorizontalIcon } from 'lucide-react'
import { type FormEvent, type KeyboardEvent, useCallback, useEffect, useId, useRef, useState } from 'react'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { COMMAND_FAMILIES, type CommandFamily } from '~/domain/agent-logs/command-family'
import { TIMELINE_EVENT_TYPES } from '~/domain/agent-logs/timeline-event-types'
import { TIMELINE_ORIGINS, TIMELINE_ROLES, type TimelineOrigin } from '~/domain/timeline/timeline-view'
import { EVENT_KINDS } from './event-kind'
import { TIMELINE_FILTERS, type TimelineFilter, type TimelineSearch } from './timeline-search'
import type { TimelineMatchesState } from './use-timeline-matches'

const FILTER_LABELS: Record<TimelineFilter, string> = {
  all: 'All',
  messages: 'Messages',
  tools: 'Tools',
  files: 'Files',
}

export const FAMILY_LABELS: Record<CommandFamily, string> = {
  git: 'git',
  package: 'Package manager',
  test: 'Tests',
  build: 'Build',
  search: 'Search (grep, find…)',
  read: 'Read (cat, ls…)',
  remove: 'Remove (rm)',
  other: 'Other commands',
}

const ORIGIN_LABELS: Record<TimelineOrigin, string> = { main: 'Main conversation', subagent: 'Sub-agents' }

type SearchUpdate = Partial<TimelineSearch>

function useUpdateSearch() {
  const navigate = useNavigate()
  return useCallback(
    (update: SearchUpdate) =>
      navigate({
        to: '.',
        search: (previous) => ({ ...previous, ...update }),
        hash: (previous) => previous ?? '',
        replace: true,
      }),
    [navigate],
  )
}

const SELECT_CLASS =
  'h-9 w-full min-w-0 rounded-md border border-input bg-card px-2 text-sm shadow-xs focus-visible:outline-2 focus-visible:outline-ring'

function SelectFilter<T extends string>({
  label,
  value,
  options,
  labels,
  onChange,
}: {
  label: string
  value: T | undefined
  options: readonly T[]
  labels: (option: T) => string
  onChange: (value: T | undefined) => void
}) {
  const id = useId()
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-muted-foreground text-xs">
        {label}
      </label>
      <select
        id={id}
        className={SELECT_CLASS}
        value={value ?? ''}
        onChange={(event) => onChange((event.target.value || undefined) as T | undefined)}
      >
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labels(option)}
          </option>
        ))}
      </select>
    </div>
  )
}

function RangeForm({ search }: { search: TimelineSearch }) {
  const update = useUpdateSearch()
  const fromId = useId()
  const toId = useId()
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const number = (name: string) => {
      const value = Number(form.get(name))
      return Number.isInteger(value) && value >= 1 ? value : undefined
    }
    void update({ from: number('from'), to: number('to') })
  }
  return (
    <form
      onSubmit={submit}
      className="flex min-w-0 items-end gap-2"
      aria-label="Event range"
      // A new URL range shows in the fields even when they were edited meanwhile.
      key={`${search.from ?? ''}-${search.to ?? ''}`}
    >
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor={fromId} className="text-muted-foreground text-xs">
          From #
        </label>
        <Input id={fromId} name="from" type="number" min={1} defaultValue={search.from} className="w-24" />
      </div>
      <div className="flex min-w-0 flex-col gap-1">
        <label htmlFor={toId} className="text-muted-foreground text-xs">
          To #
        </label>
        <Input id={toId} name="to" type="number" min={1} defaultValue={search.to} className="w-24" />
      </div>
      <Button type="submit" variant="outline">
        Show range
      </Button>
    </form>
  )
}

function FindInSession({
  search,
  matches,
  currentMatch,
  onStep,
}: {
  search: TimelineSearch
  matches: TimelineMatchesState
  /** Index of the selected event among the matches, or -1. */
  currentMatch: number
  onStep: (step: 1 | -1) => void
}) {
  const update = useUpdateSearch()
  const inputId = useId()
  const [text, setText] = useState(search.q ?? '')
  const lastSent = useRef(search.q ?? '')

  // A search text that arrives through the URL (a link, back/forward) replaces what is typed.
  useEffect(() => {
    const fromUrl = search.q ?? ''
    if (fromUrl.trim() === lastSent.current.trim()) return
    lastSent.current = fromUrl
    setText(fromUrl)
  }, [search.q])

  // Typing updates the URL (and so the server search) once the typist pauses.
  useEffect(() => {
    if (text === lastSent.current) return
    const timer = setTimeout(() => {
      lastSent.current = text
      void update({ q: text.trim() ? text : undefined })
    }, 300)
    return () => clearTimeout(timer)
  }, [text, update])

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return
    event.preventDefault()
    if (text !== lastSent.current) {
      lastSent.current = text
      void update({ q: text.trim() ? text : undefined })
      return
    }
    onStep(event.shiftKey ? -1 : 1)
  }

  const count = matches.status === 'ready' ? matches.ordinals.length : 0
  const status =
    matches.status === 'idle'
      ? ''
      : matches.status === 'loading'
        ? 'Searching…'
        : matches.status === 'error'
          ? matches.message
          : count === 0
            ? 'No matches'
            : `${currentMatch >= 0 ? `${currentMatch + 1} of ` : ''}${count.toLocaleString('en-US')}${matches.truncated ? '+' : ''} match${count === 1 ? '' : 'es'}`

  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={inputId} className="text-muted-foreground text-xs">
        Find in this session
      </label>
      <div className="flex min-w-0 items-center gap-1">
        <Input
          id={inputId}
          type="search"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder="Text in summaries, commands, paths"
          aria-describedby={`${inputId}-status`}
          className="min-w-0 flex-1"
          data-testid="timeline-find"
        />
        <Button
          size="icon"
          variant="outline"
          aria-label="Previous match"
          title="Previous match (Shift+Enter)"
          disabled={count === 0}
          onClick={() => onStep(-1)}
        >
          <ChevronUpIcon aria-hidden />
        </Button>
        <Button
          size="icon"
          variant="outline"
          aria-label="Next match"
          title="Next match (Enter)"
          disabled={count === 0}
          onClick={() => onStep(1)}
        >
          <ChevronDownIcon aria-hidden />
        </Button>
      </div>
      <p
        id={`${inputId}-status`}
        className={matches.status === 'error' ? 'text-destructive text-xs' : 'text-muted-foreground text-xs'}
        aria-live="polite"
        data-testid="timeline-find-status"
      >
        {status}
      </p>
    </div>
  )
}

/** The in-session search's state; absent for a visitor. */
export interface TimelineFind {
  matches: TimelineMatchesState
  currentMatch: number
  onStep: (step: 1 | -1) => void
}

export function TimelineToolbar({ search, find }: { search: TimelineSearch; find: TimelineFind | null }) {
  const update = useUpdateSearch()
  const linkClass =
    'rounded-md px-3 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-ring aria-[current=true]:bg-primary aria-[current=true]:text-primary-foreground hover:bg-accent aria-[current=true]:hover:bg-primary'
  const narrowedBeyondFilter = [search.role, search.type, search.family, search.origin, search.from, search.to].some(
    (value) => value !== undefined,
  )
  const narrowed = search.filter !== 'all' || narrowedBeyondFilter
  // Open at first when a link narrows by them; afterwards the reader decides.
  const [filtersOpen, setFiltersOpen] = useState(narrowedBeyondFilter)
  return (
    <div className="mb-3 flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Event filter" className="flex flex-wrap gap-1 rounded-lg border bg-card p-1">
          {TIMELINE_FILTERS.map((filter) => (
            <Link
              key={filter}
              to="."
              search={(previous) => ({ ...previous, filter })}
              hash={(previous) => previous ?? ''}
              aria-current={search.filter === filter ? 'true' : undefined}
              className={linkClass}
              replace
            >
              {FILTER_LABELS[filter]}
            </Link>
          ))}
        </nav>
        <div className="flex flex-wrap items-center gap-2">
          {narrowed ? (
            <Link
              to="."
              search={(previous) => ({ order: previous.order, q: previous.q })}
              hash={(previous) => previous ?? ''}
              className="inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
              replace
            >
              <FilterXIcon className="size-4" aria-hidden />
              Clear filters
            </Link>
          ) : null}
          <Link
            to="."
            search={(previous) => ({ ...previous, order: search.order === 'oldest' ? 'newest' : 'oldest' })}
            hash={(previous) => previous ?? ''}
            className="inline-flex items-center gap-1.5 rounded-md border bg-card px-3 py-1.5 text-sm hover:bg-accent focus-visible:outline-2 focus-visible:outline-ring"
            replace
          >
            <ArrowDownUpIcon className="size-4" aria-hidden />
            {search.order === 'oldest' ? 'Oldest first' : 'Newest first'}
            <span className="sr-only">, switch the order</span>
          </Link>
        </div>
      </div>
      {find ? (
        <FindInSession search={search} matches={find.matches} currentMatch={find.currentMatch} onStep={find.onStep} />
      ) : null}
      <details
        className="group rounded-lg border bg-card"
        open={filtersOpen}
        onToggle={(event) => setFiltersOpen(event.currentTarget.open)}
      >
        <summary className="flex cursor-pointer items-center gap-2 rounded-lg px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-ring">
          <SlidersHorizontalIcon className="size-4" aria-hidden />
          More filters: role, type, command, origin, range
          <ChevronDownIcon className="ml-auto size-4 transition-transform group-open:rotate-180" aria-hidden />
        </summary>
        <div className="flex flex-col gap-3 border-t p-3">
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            <SelectFilter
              label="Role"
              value={search.role}
              options={TIMELINE_ROLES}
              labels={(role) => role}
              onChange={(role) => void update({ role })}
            />
            <SelectFilter
              label="Event type"
              value={search.type}
              options={TIMELINE_EVENT_TYPES}
              labels={(type) => EVENT_KINDS[type].label}
              onChange={(type) => void update({ type })}
            />
            <SelectFilter
              label="Command family"
              value={search.family}
              options={COMMAND_FAMILIES}
              labels={(family) => FAMILY_LABELS[family]}
              onChange={(family) => void update({ family })}
            />
            <SelectFilter
              label="Origin"
              value={search.origin}
              options={TIMELINE_ORIGINS}
              labels={(origin) => ORIGIN_LABELS[origin]}
              onChange={(origin) => void update({ origin })}
            />
          </div>
          <RangeForm search={search} />
        </div>
      </details>
    </div>
  )
}
