/**
 * The search page: a query field (its text is the `q` search param, so every search is a link)
 * and the ranked results, with idle, loading, empty and error states.
 */
import { useNavigate } from '@tanstack/react-router'
import { RotateCcwIcon, SearchIcon, SearchXIcon, TriangleAlertIcon } from 'lucide-react'
import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { EmptyState } from '~/components/layout/empty-state'
import { SEARCH_INPUT_ID } from '~/components/layout/shortcuts/focus-search'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { Input } from '~/components/ui/input'
import { Skeleton } from '~/components/ui/skeleton'
import { MAX_SEARCH_QUERY_LENGTH } from '~/domain/search/search-query'
import { SearchResultList } from './search-result-list'
import { useSearchResults } from './use-search-results'

/** Typing pauses this long before the URL (and so the search) follows. */
const TYPING_PAUSE_MS = 300

function ResultsSkeleton() {
  return (
    <div className="flex flex-col gap-2" data-testid="search-loading">
      <span className="sr-only">Searching…</span>
      {[0, 1, 2].map((row) => (
        <Skeleton key={row} className="h-20 w-full rounded-xl" />
      ))}
    </div>
  )
}

export function SearchView({ query }: { query: string }) {
  const navigate = useNavigate({ from: '/search' })
  const [text, setText] = useState(query)
  const typed = useRef(query)
  const hintId = useId()
  const { state, loadMore, retry } = useSearchResults(query)

  // The URL changed under us (back/forward, a link): show its query.
  useEffect(() => {
    if (query !== typed.current.trim()) {
      typed.current = query
      setText(query)
    }
  }, [query])

  const go = (value: string) => {
    const q = value.trim()
    if (q === query) return
    void navigate({ search: q ? { q } : {}, replace: true })
  }

  useEffect(() => {
    const timer = setTimeout(() => go(text), TYPING_PAUSE_MS)
    return () => clearTimeout(timer)
  })

  const submit = (event: FormEvent) => {
    event.preventDefault()
    go(text)
  }

  return (
    <div className="flex flex-col gap-4">
      <search>
        <form onSubmit={submit} className="flex flex-col gap-1.5">
          <label htmlFor={SEARCH_INPUT_ID} className="font-medium text-sm">
            Search your sessions
          </label>
          <div className="relative">
            <SearchIcon
              className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
              aria-hidden
            />
            <Input
              id={SEARCH_INPUT_ID}
              type="search"
              value={text}
              maxLength={MAX_SEARCH_QUERY_LENGTH}
              onChange={(event) => {
                typed.current = event.target.value
                setText(event.target.value)
              }}
              placeholder="e.g. paginate, “exit code 1”, pnpm -lint"
              aria-describedby={hintId}
              autoComplete="off"
              spellCheck={false}
              className="h-10 pl-9"
            />
          </div>
          <p id={hintId} className="text-muted-foreground text-xs">
            Matches whole words in event summaries, tool names, commands, file paths and the start of message text and
            tool output. Use "quotes" for a phrase, or to accept either word, and -word to leave a word out. Press / or
            Ctrl+K anywhere to come back here.
          </p>
        </form>
      </search>
      <SearchResults state={state} query={query} loadMore={loadMore} retry={retry} />
    </div>
  )
}

function SearchResults({
  state,
  query,
  loadMore,
  retry,
}: {
  state: ReturnType<typeof useSearchResults>['state']
  query: string
  loadMore: () => void
  retry: () => void
}) {
  if (state.status === 'idle') {
    return (
      <EmptyState icon={SearchIcon} title="Search every session at once">
        <p>Find the event where a command ran, a file changed or a question was asked; a result opens that event.</p>
      </EmptyState>
    )
  }
  if (state.status === 'loading') return <ResultsSkeleton />
  if (state.status === 'error') {
    return (
      <Alert variant="destructive">
        <TriangleAlertIcon aria-hidden />
        <AlertTitle>The search failed</AlertTitle>
        <AlertDescription>
          <p>{state.message}</p>
          <Button size="sm" variant="outline" onClick={retry}>
            <RotateCcwIcon aria-hidden />
            Try again
          </Button>
        </AlertDescription>
      </Alert>
    )
  }
  if (state.hits.length === 0) {
    return (
      <EmptyState icon={SearchXIcon} title="No results">
        <p>
          No event of yours matches “{query}”. Search matches whole words: try a shorter or different word, or fewer
          words.
        </p>
      </EmptyState>
    )
  }
  const count = state.hits.length
  return (
    <section aria-labelledby="search-results-heading" className="flex flex-col gap-3">
      <h2 id="search-results-heading" className="font-medium text-muted-foreground text-sm" aria-live="polite">
        {count.toLocaleString('en-US')}
        {state.hasMore ? '+' : ''} result{count === 1 && !state.hasMore ? '' : 's'} for “{query}”, best first
      </h2>
      <SearchResultList hits={state.hits} />
      {state.moreError ? (
        <p role="alert" className="text-destructive text-sm">
          {state.moreError}
        </p>
      ) : null}
      {state.hasMore ? (
        <Button variant="outline" className="self-center" onClick={loadMore} disabled={state.loadingMore}>
          {state.loadingMore ? 'Loading…' : 'Show more results'}
        </Button>
      ) : null}
    </section>
  )
}
