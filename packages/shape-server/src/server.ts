import { timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorMessage } from './errors.ts'
import { HttpError, send, sendJson, withoutCors } from './http-responses.ts'
import { consoleLogger, type Logger } from './logger.ts'
import { MemoryBudgetTooSmallError } from './memory-budget.ts'
import { watchMemory } from './memory-watch.ts'
import { createQueryPool, postgresErrorCode, type StatementObserver } from './postgres-connections.ts'
import { redactSecrets } from './redaction.ts'
import { advanceSlot, defaultSlotName, prepareReplication, TablePublisher } from './replication-setup.ts'
import { formatLsn, ReplicationStream } from './replication-stream.ts'
import { every } from './schema-watch.ts'
import { ShapeEndpoint } from './shape-endpoint.ts'
import { ShapeRegistry } from './shape-registry.ts'
import { InvalidRequestError } from './shape-request.ts'
import { restoreShapes } from './shape-restore.ts'
import { ShapeStore } from './shape-store.ts'
import { SqlPredicateEvaluator } from './sql-predicate-evaluator.ts'
import { TableResolver } from './table-resolver.ts'

export interface ShapeServerOptions {
  databaseUrl: string
  /** 0 picks a free port. */
  port: number
  host?: string
  /** When set, every shape request must carry `secret=` (or `api_secret=`) with this value. */
  secret?: string
  /**
   * Run without a secret. Required when `secret` is unset, because then anyone who can reach the
   * port reads every table. The server then listens on loopback only, answers only requests
   * addressed to a loopback name (no DNS rebinding), sends no CORS headers and refuses DELETE.
   */
  insecure?: boolean
  /** How long a live request is held without changes; keep it under the client's 45 s watchdog. */
  longPollTimeoutMs?: number
  /** How long a server-sent event stream (`live_sse=true`) stays open; Electric: 60 s. */
  sseTimeoutMs?: number
  /** Quiet time after which an event stream gets a `: keep-alive` comment; Electric: 21 s. */
  sseKeepAliveMs?: number
  log?: Logger
  /** Logical replication slot; defaults to `session_coach_shapes_<database>` (names are cluster-wide). */
  slotName?: string
  publicationName?: string
  /** `max-age` of non-live responses other than the initial chunk, in seconds (`ELECTRIC_CACHE_MAX_AGE`, 60). */
  cacheMaxAge?: number
  /** Their `stale-while-revalidate`, in seconds (`ELECTRIC_CACHE_STALE_AGE`, 300). */
  cacheStaleAge?: number
  /**
   * How often the tables that have shapes are compared with the catalog: Postgres replicates no
   * DDL, so a dropped table would otherwise keep its shapes (and their held requests) forever.
   */
  schemaCheckIntervalMs?: number
  /** `DELETE /v1/shape` (Electric enables it only for integration testing). */
  allowShapeDeletion?: boolean
  /** Size of one snapshot chunk / one log response (Electric: 10 MiB). */
  chunkBytes?: number
  maxShapes?: number
  /**
   * One budget for all shapes (snapshots and change logs in UTF-16 code units ≈ bytes, plus an
   * estimated 8 KiB each): past it the least recently read shapes without a waiting request go.
   */
  maxMemoryBytes?: number
  /**
   * What the whole process's resident set (RSS) must stay under (CLI: `SHAPE_SERVER_MEMORY_BUDGET_MB`).
   * Only for a server that has its process to itself: the baseline RSS is measured once the server
   * listens, the shape data gets `budget − baseline − headroom` (at most `maxMemoryBytes`), and RSS
   * readings every second shrink or grow that allowance (`memory-budget.ts`). A budget below what
   * the process needs to run makes `startShapeServer` throw `MemoryBudgetTooSmallError`. Unset: only
   * `maxMemoryBytes` applies.
   */
  memoryBudgetBytes?: number
  /** A shape nobody has read for this long is dropped (its clients resync when they come back). */
  idleShapeMs?: number
  maxLogBytesPerShape?: number
  maxLiveRequests?: number
  /** Connections for snapshots, validation and where-clause evaluation. */
  poolSize?: number
  /**
   * Keeps shape logs on disk here (`ELECTRIC_STORAGE_DIR`), and the replication slot across
   * stops, so a restarted server serves its clients' handles from where they left off. Unset:
   * shapes live in memory only and every restart sends clients a 409 (docs/sync.md, "Restarts").
   */
  storageDir?: string
  /**
   * Called with the text of every SQL statement sent on the query connections (parameters are
   * bound separately and not included). For debugging, and for tests proving input stays out.
   */
  onStatement?: StatementObserver
}

export interface ShapeServerDiagnostics {
  shapes: number
  /**
   * What counts against `maxMemoryBytes`: snapshot chunks plus change logs of every shape, in
   * UTF-16 code units (≈ bytes for ASCII), plus a fixed estimate of 8 KiB per shape.
   */
  shapeBytes: number
  /** What the shape data may use now: `maxMemoryBytes`, or less under `memoryBudgetBytes`. */
  shapeDataLimitBytes: number
  /** Shapes dropped so far to stay within the limits, or for being idle. */
  evictedShapes: number
  heldRequests: number
  replicationStreaming: boolean
  pendingTransactions: number
  /**
   * Transactions applied to subquery shapes so far, one per shape and transaction (a predicate
   * statement each when the clause has other conditions); the equality index keeps it to the
   * shapes a change can concern.
   */
  subqueryApplications: number
}

export interface RunningShapeServer {
  url: string
  port: number
  /** The logical replication slot this server streams from (dropped on close unless shapes are stored). */
  slotName: string
  /** Shapes read back from `storageDir` at start. */
  restoredShapes: number
  diagnostics(): ShapeServerDiagnostics
  close(): Promise<void>
}

export const SHAPE_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  longPollTimeoutMs: 20_000,
  sseTimeoutMs: 60_000,
  sseKeepAliveMs: 21_000,
  cacheMaxAge: 60,
  cacheStaleAge: 300,
  schemaCheckIntervalMs: 5_000,
  publicationName: 'session_coach_shape_server',
  allowShapeDeletion: true,
  chunkBytes: 10 * 1024 * 1024,
  maxShapes: 5_000,
  maxMemoryBytes: 512 * 1024 * 1024,
  idleShapeMs: 30 * 60_000,
  maxLogBytesPerShape: 64 * 1024 * 1024,
  maxLiveRequests: 10_000,
  poolSize: 10,
} as const

/** Thrown by `startShapeServer` for options that would leave the data unprotected. */
export class UnsafeConfigurationError extends Error {}

const STARTUP_TIMEOUT_MS = 30_000
/** How long a restarted server with stored shapes waits for replication to replay what it missed. */
const CATCH_UP_TIMEOUT_MS = 30_000
/** How often stored shape logs are fsynced and the slot confirmed up to them. */
const CHECKPOINT_INTERVAL_MS = 1_000
const MAX_PENDING_TRANSACTIONS = 1_000

/**
 * Starts an Electric-compatible shape server (HTTP shape API over Postgres logical replication).
 * Resolves once replication is streaming and the port is listening.
 */
export async function startShapeServer(options: ShapeServerOptions): Promise<RunningShapeServer> {
  const settings = {
    ...SHAPE_SERVER_DEFAULTS,
    ...withoutUndefined(options),
    databaseUrl: options.databaseUrl,
    port: options.port,
  }
  const log = options.log ?? consoleLogger('info')
  const insecure = checkSecurity(settings)
  if (insecure) {
    log.warn(
      'INSECURE: running without a secret. Any program on this machine can read every table of the database; ' +
        'only loopback requests are answered, CORS is off and DELETE is refused. Set a secret for anything else.',
    )
  }
  const pool = createQueryPool(settings.databaseUrl, settings.poolSize, options.onStatement)
  let stream: ReplicationStream | undefined
  try {
    const slotName = settings.slotName ?? (await defaultSlotName(pool))
    const store = settings.storageDir ? await openStore(pool, settings.storageDir, slotName, log) : undefined
    const { startLsn, keptSlot } = await prepareReplication(
      pool,
      { slotName, publicationName: settings.publicationName, keepSlotPosition: store !== undefined },
      log,
    )
    const publisher = new TablePublisher(pool, settings.publicationName, log)
    /** Writes a checkpoint (queued behind any running one); set once replication runs. */
    let checkpoint: (force: boolean, last?: boolean) => Promise<void> = async () => {}
    // Entries held until they are on disk (subquery moves) wait for a checkpoint; ask for one at
    // once instead of waiting out the interval. A queued checkpoint that has not yet taken its
    // capture covers every hold until it does, so at most one waits.
    let captureQueued = false
    const checkpointSoon = () => {
      if (captureQueued) return
      captureQueued = true
      void checkpoint(false)
    }
    const registry = new ShapeRegistry({
      pool,
      publisher,
      evaluator: new SqlPredicateEvaluator(pool, log),
      log,
      chunkBytes: settings.chunkBytes,
      maxShapes: settings.maxShapes,
      maxMemoryBytes: settings.maxMemoryBytes,
      idleShapeMs: settings.idleShapeMs,
      maxLogBytesPerShape: settings.maxLogBytesPerShape,
      onDrained: () => stream?.resume(),
      persistence: store,
      onEntriesHeld: () => checkpointSoon(),
    })
    registry.processedLsn = startLsn
    let resumeAfterLsn: bigint | undefined
    let restoredShapes = 0
    if (store) {
      const resumeAt = await resumePoint(store, keptSlot)
      if (typeof resumeAt === 'string') {
        log.info(`Not restoring stored shapes (${resumeAt}); clients of the previous run will refetch.`)
        await store.discardAll()
        if (keptSlot) await advanceSlot(pool, slotName)
      } else {
        restoredShapes = await restoreShapes(resumeAt, { pool, store, registry, publisher, log })
        resumeAfterLsn = BigInt(resumeAt.lsn)
        registry.processedLsn = resumeAfterLsn
        store.durableLsn = resumeAfterLsn
        log.info(
          `Restored ${restoredShapes} of ${resumeAt.shapes.length} stored shapes; replication resumes at ${formatLsn(resumeAfterLsn)}`,
        )
      }
    }
    const activeStream = new ReplicationStream({
      databaseUrl: settings.databaseUrl,
      slotName,
      publicationName: settings.publicationName,
      log,
      resumeAfterLsn,
      confirmablePosition: store ? () => store.durableLsn : undefined,
      onTransaction: (transaction) => {
        registry.enqueueTransaction(transaction)
        // Applying may need Postgres round trips; do not buffer an unbounded backlog meanwhile.
        if (registry.pendingJobs > MAX_PENDING_TRANSACTIONS) activeStream.pause()
      },
    })
    stream = activeStream
    // What the stored logs hold every change before: with transactions still queued, only what
    // was applied; with none, also what replication reported as passed without a change for us.
    const capture = () => {
      captureQueued = false
      return {
        lsn: registry.isIdle ? maxBigInt(activeStream.deliveredPosition, registry.processedLsn) : registry.processedLsn,
        shapes: registry.persistableShapes(),
      }
    }
    checkpoint = (force, last = false) =>
      store
        ? store.checkpoint(capture, { force, last, atRest: (read) => registry.betweenJobs(read) })
        : Promise.resolve()
    await withTimeout(
      activeStream.start(),
      STARTUP_TIMEOUT_MS,
      `Replication on slot ${slotName} did not start within ${STARTUP_TIMEOUT_MS / 1000} s; check the log above.`,
    )
    if (resumeAfterLsn !== undefined) {
      // Restored logs end at the checkpoint, but clients may have read further before the stop.
      // Serving only once the replay reached where the WAL was at start means such a client finds
      // its offset in the log again instead of waiting out the out-of-bounds timeout.
      const caughtUp = await until(
        () =>
          (registry.isIdle
            ? maxBigInt(activeStream.deliveredPosition, registry.processedLsn)
            : registry.processedLsn) >= startLsn,
        CATCH_UP_TIMEOUT_MS,
      )
      if (!caughtUp) {
        log.warn(
          `Replication had not caught up to ${formatLsn(startLsn)} after ${CATCH_UP_TIMEOUT_MS / 1000} s; serving anyway.`,
        )
      }
    }

    let closing = false
    const endpoint = new ShapeEndpoint({
      pool,
      registry,
      tables: new TableResolver(pool),
      longPollTimeoutMs: settings.longPollTimeoutMs,
      sseTimeoutMs: settings.sseTimeoutMs,
      sseKeepAliveMs: settings.sseKeepAliveMs,
      maxLiveRequests: settings.maxLiveRequests,
      cache: { maxAge: settings.cacheMaxAge, staleAge: settings.cacheStaleAge },
      allowShapeDeletion: settings.allowShapeDeletion,
      isClosing: () => closing,
      // While transactions wait in the queue, only what was applied counts as seen.
      lastSeenLsn: () =>
        registry.isIdle ? maxBigInt(activeStream.deliveredPosition, registry.processedLsn) : registry.processedLsn,
    })

    const server = createServer((request, response) => {
      void route(request, response, {
        endpoint,
        secret: insecure ? undefined : settings.secret,
        insecure,
        streaming: () => activeStream.isStreaming,
        log,
      })
    })
    server.keepAliveTimeout = 65_000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const port = (server.address() as AddressInfo).port
    const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host
    log.info(`Shape server listening on http://${host}:${port}`)

    const stopSchemaChecks = every(
      settings.schemaCheckIntervalMs,
      () => registry.rotateShapesOnChangedTables(),
      log,
      'Checking the synced tables for schema changes',
    )

    const stopCheckpoints = store
      ? every(CHECKPOINT_INTERVAL_MS, () => checkpoint(false), log, 'Storing shape logs')
      : () => {}

    let stopMemoryChecks = () => {}
    const stopExpiry = every(
      Math.max(50, Math.min(60_000, Math.floor(settings.idleShapeMs / 10))),
      async () => registry.expireIdleShapes(),
      log,
      'Expiring idle shapes',
    )

    let closed: Promise<void> | undefined
    const running: RunningShapeServer = {
      url: `http://${host}:${port}`,
      port,
      slotName,
      restoredShapes,
      diagnostics: () => ({
        shapes: registry.shapeCount,
        shapeBytes: registry.dataBytes,
        shapeDataLimitBytes: registry.shapeDataLimitBytes,
        evictedShapes: registry.evictedShapes,
        heldRequests: endpoint.heldRequests,
        replicationStreaming: activeStream.isStreaming,
        pendingTransactions: registry.pendingJobs,
        subqueryApplications: registry.subqueryApplications,
      }),
      close() {
        closed ??= (async () => {
          closing = true
          stopSchemaChecks()
          stopExpiry()
          stopMemoryChecks()
          stopCheckpoints()
          // The last checkpoint before the shapes are let go; the slot keeps the rest for next time.
          if (store) await checkpoint(true, true)
          registry.close()
          await closeHttpServer(server)
          await activeStream.stop()
          if (store) await store.settled()
          else await dropSlot(pool, slotName, log)
          await pool.end()
          log.info('Shape server stopped')
        })()
        return closed
      },
    }
    const memoryWatch = await watchMemory(registry, log, settings.memoryBudgetBytes)
    if (memoryWatch instanceof MemoryBudgetTooSmallError) {
      await running.close()
      throw memoryWatch
    }
    stopMemoryChecks = memoryWatch
    return running
  } catch (error) {
    await stream?.stop()
    await pool.end().catch(() => {})
    throw error
  }
}

async function openStore(pool: ReturnType<typeof createQueryPool>, dir: string, slotName: string, log: Logger) {
  const {
    rows: [owner],
  } = await pool.query<{ system_identifier: string; database: string }>(
    'SELECT system_identifier::text AS system_identifier, current_database() AS database FROM pg_control_system()',
  )
  return ShapeStore.open(dir, { systemIdentifier: owner.system_identifier, database: owner.database, slotName }, log)
}

/**
 * The stored checkpoint if replication can resume from it without missing a change, else why
 * not. The slot must still hold everything after the checkpoint: it must exist (not recreated,
 * not lost) and never have been confirmed past it — which this server never does, so a slot
 * further ahead was moved by someone else.
 */
async function resumePoint(store: ShapeStore, keptSlot: { confirmedFlushLsn: bigint } | undefined) {
  const checkpoint = await store.readCheckpoint()
  if (typeof checkpoint === 'string') return checkpoint
  if (!keptSlot) return 'the replication slot was missing or unusable, so changes made meanwhile are unknown'
  if (keptSlot.confirmedFlushLsn > BigInt(checkpoint.lsn)) {
    return `the replication slot was confirmed past the stored checkpoint (${formatLsn(keptSlot.confirmedFlushLsn)} > ${formatLsn(BigInt(checkpoint.lsn))})`
  }
  return checkpoint
}

/** Refuses settings that would expose the database; returns whether the server runs without a secret. */
function checkSecurity(settings: { secret?: string; insecure?: boolean; host: string }): boolean {
  if (settings.secret !== undefined && settings.secret !== '') return false
  if (!settings.insecure) {
    throw new UnsafeConfigurationError(
      'Refusing to start without a secret: anyone who can reach the port could read every table. ' +
        'Set a secret (ELECTRIC_SECRET), or explicitly allow a loopback-only insecure server (--insecure).',
    )
  }
  if (!isLoopbackHost(settings.host)) {
    throw new UnsafeConfigurationError(
      `Without a secret the shape server listens on loopback only, not on ${settings.host}; set a secret to listen there.`,
    )
  }
  return true
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
}

/** The host name a request was addressed to (`Host` without the port). */
function requestedHost(request: IncomingMessage): string {
  const host = request.headers.host ?? ''
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '')
}

interface RouteContext {
  endpoint: ShapeEndpoint
  secret: string | undefined
  insecure: boolean
  streaming(): boolean
  log: Logger
}

async function route(request: IncomingMessage, response: ServerResponse, context: RouteContext) {
  try {
    const url = new URL(request.url ?? '/', 'http://shape-server')
    if (context.insecure) {
      withoutCors(request)
      // A page on another name that resolves to 127.0.0.1 (DNS rebinding) would be same-origin.
      if (!isLoopbackHost(requestedHost(request))) {
        return sendJson(request, response, 403, {
          message: 'This shape server runs without a secret and answers only requests addressed to localhost',
        })
      }
      if (request.method === 'DELETE') {
        return sendJson(request, response, 405, {
          message: 'DELETE is refused while the shape server runs without a secret; start it with a secret to allow it',
        })
      }
    }
    if (request.method === 'OPTIONS') {
      return send(request, response, 204, {
        'access-control-allow-headers': request.headers['access-control-request-headers'] ?? '*',
        'access-control-max-age': '86400',
      })
    }
    if (url.pathname === '/' && (request.method === 'GET' || request.method === 'HEAD')) {
      return send(request, response, 200, {}, '')
    }
    if (url.pathname === '/v1/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      const active = context.streaming()
      return sendJson(
        request,
        response,
        active ? 200 : 202,
        { status: active ? 'active' : 'starting' },
        {
          'cache-control': 'no-cache, no-store, must-revalidate',
        },
      )
    }
    if (url.pathname === '/v1/shape' && ['GET', 'HEAD', 'POST', 'DELETE'].includes(request.method ?? '')) {
      if (!secretMatches(url.searchParams, context.secret)) {
        return sendJson(request, response, 401, { message: 'Unauthorized - Invalid API secret' })
      }
      return await context.endpoint.handle(request, response, url)
    }
    return sendJson(request, response, 404, { message: 'Not found' })
  } catch (error) {
    respondWithError(request, response, error, context.log)
  }
}

function respondWithError(request: IncomingMessage, response: ServerResponse, error: unknown, log: Logger) {
  if (error instanceof InvalidRequestError) {
    return sendJson(request, response, 400, { message: 'Invalid request', errors: error.errors })
  }
  if (error instanceof HttpError) return sendJson(request, response, error.status, error.body, error.headers)
  if (isConnectionError(error)) {
    log.warn(`Database unreachable while serving ${redactSecrets(request.url)}: ${errorMessage(error)}`)
    return sendJson(
      request,
      response,
      503,
      { code: 'database_unreachable', message: `The database is unreachable: ${errorMessage(error)}` },
      { 'retry-after': '5' },
    )
  }
  log.error(
    `Unexpected error while serving ${request.method} ${redactSecrets(request.url)}: ${(error as Error)?.stack ?? error}`,
  )
  if (!response.headersSent) {
    sendJson(request, response, 500, { message: `Internal server error: ${errorMessage(error)}` })
  } else {
    response.destroy()
  }
}

function isConnectionError(error: unknown): boolean {
  const code = postgresErrorCode(error)
  if (code && /^(08|53|57)/.test(code)) return true
  if (code && /^E[A-Z]+$/.test(code)) return true
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(errorMessage(error))
}

function secretMatches(search: URLSearchParams, secret: string | undefined): boolean {
  if (secret === undefined) return true
  const given = search.get('secret') ?? search.get('api_secret')
  if (given === null) return false
  const expected = Buffer.from(secret)
  const actual = Buffer.from(given)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

async function closeHttpServer(server: Server) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  // Held requests were answered by registry.close(); give their responses a moment to flush.
  const forced = setTimeout(() => server.closeAllConnections(), 1_000)
  await closed
  clearTimeout(forced)
}

/** The slot only serves this process's in-memory logs; keeping it would pin WAL while we are down. */
async function dropSlot(pool: ReturnType<typeof createQueryPool>, slotName: string, log: Logger) {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await pool.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
        slotName,
      ])
      return
    } catch (error) {
      // 55006: the walsender has not exited yet.
      if (postgresErrorCode(error) !== '55006') {
        log.warn(`Could not drop replication slot ${slotName}: ${errorMessage(error)}`)
        return
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  log.warn(`Replication slot ${slotName} stayed active; it will be reused on the next start.`)
}

/** Polls `condition` until it holds (true) or the time is up (false). */
async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return true
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms)
    }),
  ])
}

function maxBigInt(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>
}
