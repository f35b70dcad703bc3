/** The app server's discovery service, wired to its configuration, database and owner account. */
import type { AppConfig } from '@config'
import type { DatabaseClient } from '~/db/client'
import { createLogger } from '~/server/log'
import { ensureLocalOwner, findFirstUserAccount } from '~/server/repositories/accounts-repository'
import { SessionDiscovery } from './session-discovery'

export class NoAccountYetError extends Error {
  constructor() {
    super('Discovered sessions belong to the first account, and nobody has signed up yet; waiting.')
    this.name = 'NoAccountYetError'
  }
}

export function startSessionDiscovery(
  client: DatabaseClient,
  config: Pick<AppConfig, 'AUTH_MODE' | 'SESSION_DIRS' | 'SESSION_SCAN_INTERVAL_MS'>,
) {
  const log = createLogger('discovery')
  const discovery = new SessionDiscovery({
    client,
    dirs: config.SESSION_DIRS,
    scanIntervalMs: config.SESSION_SCAN_INTERVAL_MS,
    log,
    // Local mode: the one owner. Password mode: the first account (the person who set the server up).
    resolveAccountId: async () => {
      if (config.AUTH_MODE === 'local') return (await ensureLocalOwner(client.db)).account.id
      const account = await findFirstUserAccount(client.db)
      if (!account) throw new NoAccountYetError()
      return account.id
    },
  })
  discovery.start()
  return discovery
}
