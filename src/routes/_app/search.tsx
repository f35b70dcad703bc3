import { createFileRoute, stripSearchParams } from '@tanstack/react-router'
import { z } from 'zod'
import { PageHeader } from '~/components/layout/page-header'
import { MAX_SEARCH_QUERY_LENGTH } from '~/domain/search/search-query'
import { SearchView } from '~/features/search/search-view'

/** `?q=` is the query; anything else (too long, not a string) falls back to no query. */
const searchPageSchema = z.object({
  q: z.string().trim().max(MAX_SEARCH_QUERY_LENGTH).catch('').default(''),
})

export const Route = createFileRoute('/_app/search')({
  head: () => ({ meta: [{ title: 'Search · Session Coach' }] }),
  validateSearch: searchPageSchema,
  search: { middlewares: [stripSearchParams({ q: '' })] },
  component: SearchPage,
})

function SearchPage() {
  const { q } = Route.useSearch()
  return (
    <>
      <PageHeader title="Search" description="Full-text search across the events of all your sessions." />
      <SearchView query={q} />
    </>
  )
}
