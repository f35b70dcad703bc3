import { randomBytes } from 'node:crypto'
import { silentLogger, startShapeServer } from '@session-coach/shape-server'
import { inject } from 'vitest'

export interface SyncTarget {
  url: string
  secret: string
  close(): Promise<void>
}

/**
 * The sync service the tests talk to: the embedded shape server on the test's own database, or —
 * under `pnpm test:electric` — the real Electric that global setup started in a container.
 */
export async function startSyncTarget(databaseUrl: string): Promise<SyncTarget> {
  const external = inject('externalElectricUrl')
  if (external) return { url: external, secret: inject('electricSecret') ?? '', close: async () => {} }
  const secret = randomBytes(16).toString('hex')
  const server = await startShapeServer({ databaseUrl, port: 0, secret, longPollTimeoutMs: 4_000, log: silentLogger })
  return { url: server.url, secret, close: () => server.close() }
}
