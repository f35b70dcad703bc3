/**
 * Paging by `ordinal` that both TanStack DB and Postgres can do from an index.
 *
 * A page of an on-demand collection is `order by ordinal limit n` twice over: TanStack DB orders
 * the loaded rows through a B-tree index whose null ordering must equal the query's (otherwise it
 * loads every matching row), and the subset request carries that null ordering into SQL. TanStack
 * DB's default is NULLS FIRST in both directions, but Postgres' `(session_id, ordinal)` index is
 * ASC NULLS LAST, so `ORDER BY ordinal ASC NULLS FIRST` sorted the whole session (100 000 rows) for
 * every page of an oldest-first list. `ordinal` is never null, so the null ordering changes no
 * result: ascending asks NULLS LAST (the index forwards), descending NULLS FIRST (backwards).
 */
import { BTreeIndex, type Collection } from '@tanstack/react-db'

type OrderByDirection = 'asc' | 'desc'

type Nulls = 'first' | 'last'

const NULLS: Record<OrderByDirection, Nulls> = { asc: 'last', desc: 'first' }

/** The orderBy options for `ordinal` in a direction (`.orderBy(({ event }) => event.ordinal, ordinalOrder('asc'))`). */
export function ordinalOrder(direction: OrderByDirection) {
  return { direction, nulls: NULLS[direction] }
}

// biome-ignore lint/suspicious/noExplicitAny: any collection of rows that have an ordinal
type IndexableCollection = Pick<Collection<any, string | number, any>, 'createIndex'>

/** One B-tree index on `ordinal` per null ordering `ordinalOrder` uses, so pages of either direction are served by one. */
export function addOrdinalIndexes(collection: IndexableCollection) {
  for (const nulls of new Set(Object.values(NULLS))) {
    collection.createIndex((row) => (row as unknown as { ordinal: number }).ordinal, {
      indexType: BTreeIndex,
      options: { compareOptions: { direction: 'asc', nulls, stringSort: 'locale' } },
    })
  }
}
