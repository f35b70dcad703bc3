import { getDatabaseClient } from '~/server/database'
import type { AccessWatch } from '~/server/shapes/access-watch'
import { createShareLinkWatch } from './share-shape'

// One watch per process, kept on globalThis so Vite's dev-time reloads reuse it.
const holder = globalThis as typeof globalThis & { __sessionCoachShareWatch?: AccessWatch }

export function getShareLinkWatch(): AccessWatch {
  holder.__sessionCoachShareWatch ??= createShareLinkWatch(getDatabaseClient().db)
  return holder.__sessionCoachShareWatch
}
