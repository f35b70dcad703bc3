import { getConfig } from '@config'
import { definePlugin } from 'nitro'
import { getDatabaseClient } from '~/server/database'
import { startSessionDiscovery } from '~/server/ingest/discovery/discovery-runtime'

/*
 * Starts discovery and live tail of the agent logs in SESSION_DIRS when the built server starts
 * (every instance starts it; the advisory lock lets exactly one of them work), and stops it when
 * the server closes.
 */
export default definePlugin((nitroApp) => {
  const config = getConfig()
  if (config.SESSION_DIRS.length === 0 || !config.DATABASE_URL) return
  const discovery = startSessionDiscovery(getDatabaseClient(), config)
  nitroApp.hooks.hook('close', () => discovery.stop())
})
