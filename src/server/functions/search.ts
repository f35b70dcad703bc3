/** Cross-session full-text search: the caller's own events only (see docs/search-and-export.md). */
import { createServerFn } from '@tanstack/react-start'
import { SEARCH_PAGE_SIZE, searchInputSchema } from '~/domain/search/search-query'
import { getDatabaseClient } from '~/server/database'
import { validateWith } from '~/server/http/errors'
import { requirePrincipal } from '~/server/http/middleware'
import { searchRepository } from '~/server/repositories/search-repository'

export const searchEvents = createServerFn({ method: 'GET' })
  .middleware([requirePrincipal])
  .validator(validateWith(searchInputSchema))
  .handler(async ({ data, context }) =>
    searchRepository.searchEvents(getDatabaseClient().db, context.principal.account.id, {
      query: data.query,
      offset: data.offset,
      limit: SEARCH_PAGE_SIZE,
    }),
  )
