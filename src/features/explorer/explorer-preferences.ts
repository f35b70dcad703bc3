/** How the explorer sorts and filters sessions; a UI preference of this browser (src/lib/preferences.ts). */
import { z } from 'zod'
import { SESSION_ORIGINS, SESSION_STATUSES } from '~/domain/sessions/session-kinds'
import { definePreference } from '~/lib/preferences'

export const EXPLORER_SORTS = ['time', 'size'] as const
export const SORT_DIRECTIONS = ['desc', 'asc'] as const
export const AGENT_FILTERS = ['all', ...SESSION_ORIGINS] as const
export const STATUS_FILTERS = ['all', ...SESSION_STATUSES] as const
export const SIZE_FILTERS = ['any', 'under-100kb', '100kb-1mb', '1mb-10mb', 'over-10mb'] as const
export const TIME_FILTERS = ['all', '24h', '7d', '30d', '90d'] as const

export type ExplorerSort = (typeof EXPLORER_SORTS)[number]
export type SortDirection = (typeof SORT_DIRECTIONS)[number]
export type AgentFilter = (typeof AGENT_FILTERS)[number]
export type StatusFilter = (typeof STATUS_FILTERS)[number]
export type SizeFilter = (typeof SIZE_FILTERS)[number]
export type TimeFilter = (typeof TIME_FILTERS)[number]

// Each field falls back on its own, so one stale value does not reset the others.
const explorerViewSchema = z.object({
  sort: z.enum(EXPLORER_SORTS).catch('time'),
  direction: z.enum(SORT_DIRECTIONS).catch('desc'),
  agent: z.enum(AGENT_FILTERS).catch('all'),
  status: z.enum(STATUS_FILTERS).catch('all'),
  size: z.enum(SIZE_FILTERS).catch('any'),
  time: z.enum(TIME_FILTERS).catch('all'),
  showArchived: z.boolean().catch(false),
})

export type ExplorerView = z.output<typeof explorerViewSchema>

export const DEFAULT_EXPLORER_VIEW: ExplorerView = {
  sort: 'time',
  direction: 'desc',
  agent: 'all',
  status: 'all',
  size: 'any',
  time: 'all',
  showArchived: false,
}

export const explorerViewPreference = definePreference('sessionExplorer', explorerViewSchema, DEFAULT_EXPLORER_VIEW)

export function updateExplorerView(changes: Partial<ExplorerView>) {
  explorerViewPreference.set({ ...explorerViewPreference.get(), ...changes })
}

/** Whether any filter narrows the list (sorting is not a filter). */
export function hasActiveFilters(view: ExplorerView) {
  return (
    view.agent !== 'all' || view.status !== 'all' || view.size !== 'any' || view.time !== 'all' || view.showArchived
  )
}
