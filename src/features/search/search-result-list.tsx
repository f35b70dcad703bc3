/** Search results, best first: each names its session (title, repo, agent, time) and opens the event. */
import { Link } from '@tanstack/react-router'
import { GitBranchIcon } from 'lucide-react'
import { Badge } from '~/components/ui/badge'
import { AGENT_LABELS, formatInstant } from '~/features/sessions/session-list'
import { EVENT_KINDS } from '~/features/timeline/event-kind'
import { hashOfOrdinal } from '~/features/timeline/timeline-search'
import type { SearchHit } from '~/server/repositories/search-repository'
import { SearchSnippet } from './search-snippet'

function SearchResult({ hit }: { hit: SearchHit }) {
  const kind = EVENT_KINDS[hit.type]
  const Icon = kind.icon
  const at = hit.at ? new Date(hit.at) : null
  return (
    <li data-testid="search-result" data-session-id={hit.sessionId} data-ordinal={hit.ordinal}>
      <Link
        to="/sessions/$sessionId"
        params={{ sessionId: hit.sessionId }}
        hash={hashOfOrdinal(hit.ordinal)}
        className="flex flex-col gap-1.5 px-4 py-3 outline-none transition-colors hover:bg-accent focus-visible:bg-accent focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset"
      >
        <span className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
          <span className="min-w-0 break-words font-medium">{hit.sessionTitle}</span>
          <Badge variant="outline">{AGENT_LABELS[hit.origin]}</Badge>
        </span>
        <SearchSnippet snippet={hit.snippet} />
        <span className="flex flex-wrap items-center gap-x-3 gap-y-1 text-muted-foreground text-xs">
          <span className="inline-flex items-center gap-1">
            <Icon className="size-3" aria-hidden />#{hashOfOrdinal(hit.ordinal)} · {kind.label}
            {hit.role ? ` · ${hit.role}` : ''}
          </span>
          {hit.repoName ? (
            <span className="inline-flex items-center gap-1">
              <GitBranchIcon className="size-3" aria-hidden />
              {hit.repoName}
              {hit.branch ? ` · ${hit.branch}` : ''}
            </span>
          ) : null}
          {at ? <time dateTime={at.toISOString()}>{formatInstant(at)} UTC</time> : null}
        </span>
      </Link>
    </li>
  )
}

export function SearchResultList({ hits }: { hits: readonly SearchHit[] }) {
  return (
    <ol aria-label="Search results" className="divide-y overflow-hidden rounded-xl border bg-card shadow-xs">
      {hits.map((hit) => (
        <SearchResult key={`${hit.sessionId}:${hit.ordinal}`} hit={hit} />
      ))}
    </ol>
  )
}
