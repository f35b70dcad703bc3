import { describe, expect, it } from 'vitest'
import type { Session } from '~/db/schema'
import { parseSearch } from '~/domain/text/token-search'
import { displayTitle, groupRows, selectSessions } from './explorer-model'
import { DEFAULT_EXPLORER_VIEW, type ExplorerView } from './explorer-preferences'

const NOW = Date.UTC(2026, 10, 29, 12)
const HOUR = 3_600_000
let counter = 0

function session(fields: Partial<Session>): Session {
  counter++
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    accountId: 'account',
    sourceKey: `key-${counter}`,
    title: `Session ${counter}`,
    origin: 'codex',
    source: 'upload',
    originalName: null,
    sourcePath: null,
    repoName: null,
    branch: null,
    commitSha: null,
    remoteUrl: null,
    cwd: null,
    cliVersion: null,
    model: null,
    startedAt: null,
    lastEventAt: new Date(NOW - HOUR),
    eventCount: 0,
    errorLineCount: 0,
    sizeBytes: 1_000,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    status: 'complete',
    statusMessage: null,
    malformedLines: [],
    legacyKey: null,
    machine: null,
    pushedByUserId: null,
    pushedByName: null,
    renamedAt: null,
    archivedAt: null,
    createdAt: new Date(NOW - 100 * 24 * HOUR),
    updatedAt: new Date(NOW),
    ...fields,
  }
}

const view = (changes: Partial<ExplorerView> = {}) => ({ ...DEFAULT_EXPLORER_VIEW, ...changes })
const titles = (items: { title: string }[]) => items.map((item) => item.title)

describe('selectSessions', () => {
  const old = session({ title: 'old', lastEventAt: new Date(NOW - 40 * 24 * HOUR), sizeBytes: 20 * 1024 * 1024 })
  const recent = session({ title: 'recent', lastEventAt: new Date(NOW - HOUR), origin: 'claude-code' })
  const live = session({ title: 'live', lastEventAt: new Date(NOW - 2 * HOUR), status: 'live', sizeBytes: 500_000 })
  const archived = session({ title: 'archived', archivedAt: new Date(NOW) })
  const all = [old, recent, live, archived]

  it('hides archived sessions unless asked, newest first by default', () => {
    expect(titles(selectSessions(all, view(), [], NOW))).toEqual(['recent', 'live', 'old'])
    expect(titles(selectSessions(all, view({ showArchived: true }), [], NOW))).toContain('archived')
  })

  it('sorts by size or time, either way', () => {
    expect(titles(selectSessions(all, view({ sort: 'size' }), [], NOW))).toEqual(['old', 'live', 'recent'])
    expect(titles(selectSessions(all, view({ direction: 'asc' }), [], NOW))).toEqual(['old', 'live', 'recent'])
  })

  it('filters by agent, status, size and time range', () => {
    expect(titles(selectSessions(all, view({ agent: 'claude-code' }), [], NOW))).toEqual(['recent'])
    expect(titles(selectSessions(all, view({ status: 'live' }), [], NOW))).toEqual(['live'])
    expect(titles(selectSessions(all, view({ size: 'over-10mb' }), [], NOW))).toEqual(['old'])
    expect(titles(selectSessions(all, view({ size: '100kb-1mb' }), [], NOW))).toEqual(['live'])
    expect(titles(selectSessions(all, view({ time: '30d' }), [], NOW))).toEqual(['recent', 'live'])
  })

  it('searches title, repo, branch, ids, model and file name with highlights', () => {
    const repoSession = session({ title: 'Fix login', repoName: 'acme-api', branch: 'main', model: 'gpt-5' })
    const [hit] = selectSessions([repoSession, recent], view(), parseSearch('/^acme/ gpt').tokens, NOW)
    expect(hit.title).toBe('Fix login')
    expect(hit.matches).toEqual({ repo: [[0, 4]], model: [[0, 3]] })
    expect(selectSessions([repoSession], view(), parseSearch(repoSession.id.slice(-6)).tokens, NOW)).toHaveLength(1)
    const agentLog = session({ sourceKey: '019c8bfe-ec25-79e0', originalName: 'rollout-2026.jsonl' })
    expect(selectSessions([agentLog], view(), parseSearch('019c8bfe').tokens, NOW)[0].matches).toEqual({
      agentId: [[0, 8]],
    })
    expect(selectSessions([agentLog], view(), parseSearch('rollout-2026').tokens, NOW)[0].matches).toEqual({
      file: [[0, 12]],
    })
    // Our own keys (content hashes) are not an agent's id.
    const hashed = session({ sourceKey: 'sha256:019c8bfe' })
    expect(selectSessions([hashed], view(), parseSearch('019c8bfe').tokens, NOW)).toEqual([])
  })
})

describe('legacy sessions', () => {
  it('show what tells them apart, not the shared import prefix (unless renamed)', () => {
    const legacy = session({
      source: 'legacy',
      title: 'Imported from the original product: Codex sessions under ~/.codex/sessions (several merged)',
    })
    expect(displayTitle(legacy)).toBe('Codex sessions under ~/.codex/sessions (several merged)')
    expect(displayTitle({ ...legacy, title: 'Mine', renamedAt: new Date() })).toBe('Mine')
  })
})

describe('groupRows', () => {
  it('groups repo (case-insensitive) → branch in the order of their first session, numbering sessions', () => {
    const a = session({ repoName: 'Acme', branch: 'main', title: 'a' })
    const b = session({ repoName: 'other', branch: null, title: 'b' })
    const c = session({ repoName: 'acme', branch: 'feat', title: 'c' })
    const d = session({ repoName: 'acme', branch: 'main', title: 'd' })
    const rows = groupRows(selectSessions([a, b, c, d], view({ direction: 'asc' }), [], NOW))
    expect(
      rows.map((row) =>
        row.kind === 'repo'
          ? `repo ${row.repo} (${row.sessionCount})`
          : row.kind === 'branch'
            ? `branch ${row.branch} (${row.sessionCount})`
            : `${row.position}: ${row.item.title}`,
      ),
    ).toEqual([
      'repo Acme (3)',
      'branch main (2)',
      '0: a',
      '1: d',
      'branch feat (1)',
      '2: c',
      'repo other (1)',
      'branch null (1)',
      '3: b',
    ])
  })
})
