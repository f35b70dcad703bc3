/**
 * The home page: every session of the account, live from the sessions shape, grouped by
 * repo → branch, with search, sort, filters and per-session actions. The list is virtualized
 * against the window scroll, so thousands of sessions cost a screenful of rows.
 */
import { useLiveQuery } from '@tanstack/react-db'
import { useNavigate } from '@tanstack/react-router'
import { useWindowVirtualizer } from '@tanstack/react-virtual'
import { RotateCcwIcon, ScrollTextIcon, SearchXIcon, TriangleAlertIcon, UploadIcon } from 'lucide-react'
import { useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { sessionsCollection } from '~/collections/sessions-collection'
import { useSyncFailure } from '~/collections/sync-failures'
import { EmptyState } from '~/components/layout/empty-state'
import { Alert, AlertDescription, AlertTitle } from '~/components/ui/alert'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'
import { parseSearch } from '~/domain/text/token-search'
import { SessionUpload } from '~/features/sessions/session-upload'
import { SharedSessionsProvider, useSharedSessionRows } from '~/features/share/shared-sessions'
import { usePreference } from '~/lib/preferences'
import { cn } from '~/lib/utils'
import { type ExplorerRow, groupRows, selectSessions } from './explorer-model'
import {
  DEFAULT_EXPLORER_VIEW,
  explorerViewPreference,
  hasActiveFilters,
  updateExplorerView,
} from './explorer-preferences'
import { ExplorerToolbar } from './explorer-toolbar'
import { formatBytes, plural } from './session-format'
import { BranchHeader, RepoHeader, SessionRow } from './session-row'
import { useSessionKeys } from './use-session-keys'

const reloadPage = () => window.location.reload()

/** Relative times ("5 min ago") and the time filter move on without new data. */
function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs)
    return () => window.clearInterval(timer)
  }, [intervalMs])
  return now
}

export function ExplorerSkeleton() {
  return (
    <div className="flex flex-col gap-3" aria-hidden>
      <Skeleton className="h-36 w-full rounded-xl" />
      <Skeleton className="mt-4 h-5 w-48" />
      <Skeleton className="h-16 w-full rounded-lg" />
      <Skeleton className="h-16 w-full rounded-lg" />
      <Skeleton className="h-16 w-full rounded-lg" />
    </div>
  )
}

export function UploadToggle({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <Button
      variant={open ? 'secondary' : 'default'}
      onClick={onToggle}
      aria-expanded={open}
      aria-controls="explorer-upload"
    >
      <UploadIcon aria-hidden />
      Upload logs
    </Button>
  )
}

const ROW_ESTIMATES: Record<ExplorerRow['kind'], number> = { repo: 48, branch: 28, session: 76 }

export function ExplorerView({
  uploadOpen,
  onUploadOpenChange,
}: {
  uploadOpen: boolean
  onUploadOpenChange: (open: boolean) => void
}) {
  const query = useLiveQuery((q) => q.from({ session: sessionsCollection }))
  // Sessions other accounts shared with this user join the list, marked and read-only.
  const shared = useSharedSessionRows()
  const failure = useSyncFailure('sessions')
  const view = usePreference(explorerViewPreference)
  const [search, setSearch] = useState('')
  const deferredSearch = useDeferredValue(search)
  const now = useNow()

  const own = query.data ?? []
  const all = useMemo(() => (shared.rows.length > 0 ? [...own, ...shared.rows] : own), [own, shared.rows])
  const parsed = useMemo(() => parseSearch(deferredSearch), [deferredSearch])
  const shown = useMemo(() => selectSessions(all, view, parsed.tokens, now), [all, view, parsed.tokens, now])
  const rows = useMemo(() => groupRows(shown), [shown])
  const liveCount = shown.filter((item) => item.session.status === 'live').length
  const totalBytes = shown.reduce((sum, item) => sum + item.session.sizeBytes, 0)

  const hasNoSessions = query.isReady && all.length === 0
  // Nothing to browse yet: the upload is the page's call to action. It stays open once the first
  // session arrives, so the progress of the files still going up stays in view.
  useEffect(() => {
    if (hasNoSessions) onUploadOpenChange(true)
  }, [hasNoSessions, onUploadOpenChange])
  const showUpload = uploadOpen || hasNoSessions

  return (
    <div className="flex flex-col gap-4">
      {showUpload ? (
        <div id="explorer-upload">
          <SessionUpload />
        </div>
      ) : null}
      {failure || query.isError ? (
        <Alert variant="destructive">
          <TriangleAlertIcon aria-hidden />
          <AlertTitle>Sessions could not be synced</AlertTitle>
          <AlertDescription>
            <p>{failure?.message ?? 'The sync service refused the request.'} Reload the page to try again.</p>
            <Button size="sm" variant="outline" onClick={reloadPage}>
              <RotateCcwIcon aria-hidden />
              Reload
            </Button>
          </AlertDescription>
        </Alert>
      ) : null}
      {!query.isReady && !failure ? (
        <ExplorerSkeleton />
      ) : hasNoSessions ? (
        <EmptyState icon={ScrollTextIcon} title="No sessions yet">
          <p>
            Upload a Codex, Gemini CLI or Claude Code log above, or let Session Coach discover the logs on this machine
            (~/.codex/sessions, ~/.gemini/tmp, ~/.claude/projects). Sessions appear here while they are read.
          </p>
        </EmptyState>
      ) : all.length > 0 ? (
        <>
          <ExplorerToolbar
            view={view}
            query={search}
            onQueryChange={setSearch}
            problems={parsed.problems}
            summary={
              <>
                {plural(shown.length, 'session')}
                {shown.length < all.length ? ` of ${all.length}` : ''}
                {liveCount > 0 ? ` · ${liveCount} live` : ''} · {formatBytes(totalBytes)}
              </>
            }
          />
          {rows.length === 0 ? (
            <EmptyState
              icon={SearchXIcon}
              title="No sessions match"
              actions={
                <>
                  {search ? (
                    <Button variant="outline" onClick={() => setSearch('')}>
                      Clear search
                    </Button>
                  ) : null}
                  {hasActiveFilters(view) ? (
                    <Button
                      variant="outline"
                      onClick={() =>
                        updateExplorerView({ ...DEFAULT_EXPLORER_VIEW, sort: view.sort, direction: view.direction })
                      }
                    >
                      Clear filters
                    </Button>
                  ) : null}
                </>
              }
            >
              <p>
                {search ? `Nothing matches “${search}”` : 'Nothing matches the filters'}
                {hasActiveFilters(view) || search ? '. Loosen the search or the filters.' : '.'}
              </p>
            </EmptyState>
          ) : (
            <SharedSessionsProvider value={shared}>
              <SessionGroups rows={rows} now={now} />
            </SharedSessionsProvider>
          )}
        </>
      ) : null}
    </div>
  )
}

function SessionGroups({ rows, now }: { rows: ExplorerRow[]; now: number }) {
  const listRef = useRef<HTMLDivElement>(null)
  const [scrollMargin, setScrollMargin] = useState(0)
  const [selectedId, setSelectedId] = useState<string | null>(null)
  const navigate = useNavigate()

  // The list's distance from the top of the document, which the window virtualizer offsets by.
  useLayoutEffect(() => {
    const top = (listRef.current?.getBoundingClientRect().top ?? 0) + window.scrollY
    if (Math.abs(top - scrollMargin) > 1) setScrollMargin(top)
  })

  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: (index) => ROW_ESTIMATES[rows[index].kind],
    getItemKey: (index) => rows[index].key,
    overscan: 8,
    scrollMargin,
  })

  useSessionKeys({
    rows,
    selectedId,
    onSelect: setSelectedId,
    scrollToRow: (index) => virtualizer.scrollToIndex(index, { align: 'auto' }),
    onOpen: (sessionId) => void navigate({ to: '/sessions/$sessionId', params: { sessionId } }),
  })

  // Group headers highlight what the search matched in the repo and branch names of their sessions.
  const headerRanges = (index: number, field: 'repo' | 'branch') => {
    for (let next = index + 1; next < rows.length; next++) {
      const row = rows[next]
      if (row.kind === 'session') return row.item.matches[field]
    }
    return undefined
  }

  const sessionCount = rows.reduce((count, row) => count + (row.kind === 'session' ? 1 : 0), 0)
  return (
    <section aria-label="Sessions by repository and branch" aria-describedby="explorer-keys-hint">
      <p id="explorer-keys-hint" className="sr-only">
        {`${sessionCount} sessions. Press ] and [ to move to the next or previous session, Enter to open it.`}
      </p>
      <div ref={listRef} className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className={cn('absolute top-0 left-0 w-full', row.kind === 'session' && 'pb-2')}
              style={{ transform: `translateY(${item.start - scrollMargin}px)` }}
            >
              {row.kind === 'repo' ? (
                <RepoHeader row={row} ranges={headerRanges(item.index, 'repo')} />
              ) : row.kind === 'branch' ? (
                <BranchHeader row={row} ranges={headerRanges(item.index, 'branch')} />
              ) : (
                <SessionRow row={row} selected={row.key === selectedId} now={now} onSelect={setSelectedId} />
              )}
            </div>
          )
        })}
      </div>
    </section>
  )
}
