/**
 * What the explorer shows, computed from the synced session rows: search, filters, sort, and the
 * repo → branch grouping, flattened into the rows the virtualized list renders. Pure and
 * unit-tested; the components only render its output.
 */
import type { Session } from '~/db/schema'
import { type MatchRange, matchFields, type SearchToken } from '~/domain/text/token-search'
import type { ExplorerView, SizeFilter, TimeFilter } from './explorer-preferences'

/** The title the original product's import gave every legacy session, before what tells them apart. */
const LEGACY_TITLE_PREFIX = /^Imported from the original product:\s*/

/** A legacy row's title without the shared prefix ("Codex sessions under ~/.codex/sessions …"). */
export function displayTitle(session: Pick<Session, 'title' | 'source' | 'renamedAt'>) {
  if (session.source !== 'legacy' || session.renamedAt) return session.title
  return session.title.replace(LEGACY_TITLE_PREFIX, '') || session.title
}

/**
 * The agent's own id for the session (what its CLI prints), when its log had one; keys with a
 * colon are ours (`sha256:<hex>` of a log without an id, provisional keys while one is read).
 */
export function agentSessionId(session: Pick<Session, 'sourceKey'>) {
  return session.sourceKey.includes(':') ? null : session.sourceKey
}

/** The moment a session is sorted and filtered by: its last event, else its start, else its import. */
export function sessionTime(session: Pick<Session, 'lastEventAt' | 'startedAt' | 'createdAt'>): Date {
  return session.lastEventAt ?? session.startedAt ?? session.createdAt
}

export function totalTokens(session: Pick<Session, 'inputTokens' | 'outputTokens'>) {
  return session.inputTokens + session.outputTokens
}

const KB = 1024
const MB = 1024 * KB
const SIZE_BOUNDS: Record<SizeFilter, readonly [number, number]> = {
  any: [0, Number.POSITIVE_INFINITY],
  'under-100kb': [0, 100 * KB],
  '100kb-1mb': [100 * KB, MB],
  '1mb-10mb': [MB, 10 * MB],
  'over-10mb': [10 * MB, Number.POSITIVE_INFINITY],
}
const HOUR = 3_600_000
const TIME_WINDOWS: Record<TimeFilter, number> = {
  all: Number.POSITIVE_INFINITY,
  '24h': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
  '30d': 30 * 24 * HOUR,
  '90d': 90 * 24 * HOUR,
}

/** `agentId` is the agent's own session id (what its CLI prints), `file` the uploaded or discovered file name. */
export type SearchField = 'title' | 'repo' | 'branch' | 'id' | 'agentId' | 'model' | 'file'

export interface ExplorerSession {
  session: Session
  title: string
  /** Highlight ranges per searched field (empty without a search). */
  matches: Partial<Record<SearchField, MatchRange[]>>
}

function passesFilters(session: Session, view: ExplorerView, now: number) {
  if (!view.showArchived && session.archivedAt) return false
  if (view.agent !== 'all' && session.origin !== view.agent) return false
  if (view.status !== 'all' && session.status !== view.status) return false
  const [min, max] = SIZE_BOUNDS[view.size]
  if (session.sizeBytes < min || session.sizeBytes >= max) return false
  return now - sessionTime(session).getTime() <= TIME_WINDOWS[view.time]
}

/** The sessions to show, in order: filtered, searched (every token must match), sorted. */
export function selectSessions(
  sessions: readonly Session[],
  view: ExplorerView,
  tokens: readonly SearchToken[],
  now: number,
): ExplorerSession[] {
  const shown: ExplorerSession[] = []
  for (const session of sessions) {
    if (!passesFilters(session, view, now)) continue
    const title = displayTitle(session)
    const matches = matchFields<SearchField>(
      {
        title,
        repo: session.repoName,
        branch: session.branch,
        id: session.id,
        agentId: agentSessionId(session),
        model: session.model,
        file: session.originalName,
      },
      tokens,
    )
    if (matches) shown.push({ session, title, matches })
  }
  const direction = view.direction === 'desc' ? -1 : 1
  const key = view.sort === 'size' ? (s: Session) => s.sizeBytes : (s: Session) => sessionTime(s).getTime()
  // Ties fall back to the id so the order never flickers between renders.
  return shown.sort((a, b) => direction * (key(a.session) - key(b.session)) || a.session.id.localeCompare(b.session.id))
}

export type ExplorerRow =
  | { kind: 'repo'; key: string; repo: string | null; sessionCount: number; sizeBytes: number; lastActivity: Date }
  | { kind: 'branch'; key: string; branch: string | null; sessionCount: number }
  | { kind: 'session'; key: string; item: ExplorerSession; position: number }

interface RepoGroup {
  repo: string | null
  branches: Map<string, { branch: string | null; items: ExplorerSession[] }>
}

const groupKey = (name: string | null) => (name ? name.trim().toLowerCase() : '')

/**
 * Repo → branch groups, in the order of their first session (so the best-sorted session's group
 * comes first), flattened into header and session rows. Repo names compare case-insensitively.
 * `position` numbers the sessions in display order, for keyboard navigation.
 */
export function groupRows(sessions: readonly ExplorerSession[]): ExplorerRow[] {
  const repos = new Map<string, RepoGroup>()
  for (const item of sessions) {
    const repoKey = groupKey(item.session.repoName)
    let repo = repos.get(repoKey)
    if (!repo) {
      repo = { repo: item.session.repoName, branches: new Map() }
      repos.set(repoKey, repo)
    }
    const branchKey = groupKey(item.session.branch)
    let branch = repo.branches.get(branchKey)
    if (!branch) {
      branch = { branch: item.session.branch, items: [] }
      repo.branches.set(branchKey, branch)
    }
    branch.items.push(item)
  }

  const rows: ExplorerRow[] = []
  let position = 0
  for (const [repoKey, repo] of repos) {
    const items = [...repo.branches.values()].flatMap((branch) => branch.items)
    rows.push({
      kind: 'repo',
      key: `repo:${repoKey}`,
      repo: repo.repo,
      sessionCount: items.length,
      sizeBytes: items.reduce((sum, item) => sum + item.session.sizeBytes, 0),
      lastActivity: new Date(Math.max(...items.map((item) => sessionTime(item.session).getTime()))),
    })
    for (const [branchKey, branch] of repo.branches) {
      rows.push({
        kind: 'branch',
        key: `branch:${repoKey}:${branchKey}`,
        branch: branch.branch,
        sessionCount: branch.items.length,
      })
      for (const item of branch.items) rows.push({ kind: 'session', key: item.session.id, item, position: position++ })
    }
  }
  return rows
}
