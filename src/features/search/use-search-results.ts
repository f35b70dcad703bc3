/**
 * Runs the cross-session search for the query in the URL, page by page. A newer query wins: the
 * answer of an older one that arrives late is dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { SEARCH_PAGE_SIZE } from '~/domain/search/search-query'
import { errorMessage } from '~/lib/error-message'
import { searchEvents } from '~/server/functions/search'
import type { SearchHit } from '~/server/repositories/search-repository'

export type SearchState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; hits: SearchHit[]; hasMore: boolean; loadingMore: boolean; moreError?: string }

export function useSearchResults(query: string) {
  const [state, setState] = useState<SearchState>({ status: 'idle' })
  const generation = useRef(0)
  const [attempt, setAttempt] = useState(0)

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the same query after a failure
  useEffect(() => {
    const current = ++generation.current
    if (!query) {
      setState({ status: 'idle' })
      return
    }
    setState({ status: 'loading' })
    searchEvents({ data: { query, offset: 0 } }).then(
      (page) => {
        if (generation.current === current) setState({ status: 'ready', ...page, loadingMore: false })
      },
      (error: unknown) => {
        if (generation.current === current) setState({ status: 'error', message: errorMessage(error) })
      },
    )
  }, [query, attempt])

  const loadMore = useCallback(() => {
    if (state.status !== 'ready' || !state.hasMore || state.loadingMore) return
    const current = generation.current
    const previous = state.hits
    setState({ ...state, loadingMore: true, moreError: undefined })
    searchEvents({ data: { query, offset: previous.length } }).then(
      (page) => {
        if (generation.current !== current) return
        setState({ status: 'ready', hits: [...previous, ...page.hits], hasMore: page.hasMore, loadingMore: false })
      },
      (error: unknown) => {
        if (generation.current !== current) return
        setState({ ...state, loadingMore: false, moreError: errorMessage(error) })
      },
    )
  }, [query, state])

  const retry = useCallback(() => setAttempt((value) => value + 1), [])
  return { state, loadMore, retry, pageSize: SEARCH_PAGE_SIZE }
}
