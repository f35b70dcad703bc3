/** The app server's discovery service, wired to its configuration, database and owner account. */
import type { AppConfig } from '@config'
import type { DatabaseClient, Executor } from '~/db/client'
import { createLogger } from '~/server/log'
import {
  ensureLocalOwner,
  findAccountOfUserEmail,
  findFirstUserAccount,
} from '~/server/repositories/accounts-repository'
import { SessionDiscovery } from './session-discovery'

/** Discovery cannot tell whose sessions it would find yet; it tries again (every 5 s) until it can. */
export class NoDiscoveryAccountError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NoDiscoveryAccountError'
  }
}

export type DiscoveryAccountConfig = Pick<AppConfig, 'AUTH_MODE' | 'DISCOVERY_ACCOUNT'>

/**
 * Whose account discovered sessions go to: the user named by DISCOVERY_ACCOUNT; otherwise the local
 * owner (AUTH_MODE=local), or the first operator, else the first user (AUTH_MODE=password).
 */
export async function resolveDiscoveryAccountId(db: Executor, config: DiscoveryAccountConfig): Promise<string> {
  if (config.DISCOVERY_ACCOUNT) {
    const account = await findAccountOfUserEmail(db, config.DISCOVERY_ACCOUNT)
    if (!account) {
      throw new NoDiscoveryAccountError(
        `DISCOVERY_ACCOUNT is ${config.DISCOVERY_ACCOUNT}, but no user has this e-mail; waiting. ` +
          'Create the user (pnpm user:create) or correct DISCOVERY_ACCOUNT.',
      )
    }
    return account.id
  }
  if (config.AUTH_MODE === 'local') return (await ensureLocalOwner(db)).account.id
  const account = await findFirstUserAccount(db)
  if (!account) {
    throw new NoDiscoveryAccountError(
      'Discovered sessions belong to the first operator (or the first user), and there is no user yet; waiting. ' +
        'Create one (pnpm user:create) or set DISCOVERY_ACCOUNT.',
    )
  }
  return account.id
}

export function startSessionDiscovery(
  client: DatabaseClient,
  config: DiscoveryAccountConfig & Pick<AppConfig, 'SESSION_DIRS' | 'SESSION_SCAN_INTERVAL_MS'>,
) {
  const log = createLogger('discovery')
  const discovery = new SessionDiscovery({
    client,
    dirs: config.SESSION_DIRS,
    scanIntervalMs: config.SESSION_SCAN_INTERVAL_MS,
    log,
    resolveAccountId: () => resolveDiscoveryAccountId(client.db, config),
  })
  discovery.start()
  return discovery
}
