import { randomBytes } from 'node:crypto'
import { type Message, type Row, Shape, ShapeStream } from '@electric-sql/client'
import postgres from 'postgres'
import { inject } from 'vitest'
import { type RunningShapeServer, type ShapeServerOptions, silentLogger, startShapeServer } from '../../src/index.ts'
import { createTestDatabase, type TestDatabase } from './test-database.ts'

export interface ShapeServerFixture {
  db: TestDatabase
  /** Writer connection (porsager/postgres). */
  sql: postgres.Sql
  server: RunningShapeServer
  /** `…/v1/shape`, with `?secret=` when the fixture chose the secret itself. */
  shapeUrl: string
  /**
   * Stops the server and starts a new process-equivalent on the same port; `whileDown` runs
   * between the two (writes the restarted server has to catch up on).
   */
  restart(options?: Partial<ShapeServerOptions>, whileDown?: () => Promise<void>): Promise<void>
  teardown(): Promise<void>
}

/**
 * A shape server on an empty database of its own. Unless the test passes its own `secret` (to test
 * authentication) or `insecure`, the server gets a random secret that `shapeUrl` carries, the way
 * a proxy in front of it adds the secret to every request.
 */
export async function startFixture(options: Partial<ShapeServerOptions> = {}): Promise<ShapeServerFixture> {
  const db = await createTestDatabase()
  const sql = postgres(db.url, { max: 4, onnotice: () => {} })
  const ownSecret = options.secret === undefined && !options.insecure ? randomBytes(12).toString('hex') : undefined
  const start = (port: number, extra: Partial<ShapeServerOptions> = {}) =>
    startShapeServer({
      databaseUrl: db.url,
      port,
      log: silentLogger,
      longPollTimeoutMs: 20_000,
      ...options,
      secret: options.secret ?? ownSecret,
      ...extra,
    })
  const fixture: ShapeServerFixture = {
    db,
    sql,
    server: await start(0),
    shapeUrl: '',
    async restart(extra = {}, whileDown) {
      const port = fixture.server.port
      await fixture.server.close()
      await whileDown?.()
      fixture.server = await start(port, extra)
    },
    async teardown() {
      await fixture.server.close()
      await sql.end()
      await db.drop()
    },
  }
  fixture.shapeUrl = withQuery(`${fixture.server.url}/v1/shape`, ownSecret ? { secret: ownSecret } : {})
  return fixture
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set only under `pnpm test:electric`: every file shares the database the real Electric replicates. */
    sharedDatabaseUrl?: string
    /** Set only under `pnpm test:electric`: the real Electric's URL and secret. */
    externalElectricUrl?: string
    electricSecret?: string
  }
}

/** True when the suite runs against the real Electric (`pnpm test:electric`). */
export const onRealElectric = inject('externalElectricUrl') !== undefined

/**
 * Where a protocol suite that must hold on both servers runs: this package's server on a database
 * of its own, or — under `pnpm test:electric` — the real Electric on the database it replicates.
 * Either way the suite gets a fresh schema; `sql` writes with that schema first on its search path,
 * and shape requests name tables as `<schema>.<table>`.
 */
export interface ProtocolTarget {
  sql: postgres.Sql
  shapeUrl: string
  schema: string
  teardown(): Promise<void>
}

export async function startProtocolTarget(): Promise<ProtocolTarget> {
  const schema = `protocol_${randomBytes(4).toString('hex')}`
  const electricUrl = inject('externalElectricUrl')
  const databaseUrl = inject('sharedDatabaseUrl')
  if (electricUrl && databaseUrl) {
    const sql = postgres(databaseUrl, { max: 4, onnotice: () => {}, connection: { search_path: schema } })
    await sql.unsafe(`CREATE SCHEMA ${schema}`)
    return {
      sql,
      schema,
      shapeUrl: withQuery(`${electricUrl}/v1/shape`, { secret: inject('electricSecret') ?? '' }),
      async teardown() {
        await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`)
        await sql.end()
      },
    }
  }
  const fixture = await startFixture()
  await fixture.sql.unsafe(`CREATE SCHEMA ${schema}`)
  const sql = postgres(fixture.db.url, { max: 4, onnotice: () => {}, connection: { search_path: schema } })
  return {
    sql,
    schema,
    shapeUrl: fixture.shapeUrl,
    async teardown() {
      await sql.end()
      await fixture.teardown()
    },
  }
}

/** A ShapeStream plus every message it received and the materialised rows. */
export class StreamRecorder<T extends Row<unknown> = Row> {
  readonly stream: ShapeStream<T>
  readonly shape: Shape<T>
  readonly messages: Message<T>[] = []
  private readonly controller = new AbortController()
  private readonly listeners = new Set<() => void>()

  constructor(options: ConstructorParameters<typeof ShapeStream<T>>[0]) {
    this.stream = new ShapeStream<T>({ ...options, signal: this.controller.signal })
    this.shape = new Shape<T>(this.stream)
    this.stream.subscribe((messages) => {
      this.messages.push(...messages)
      for (const listener of [...this.listeners]) listener()
    })
  }

  get rows(): T[] {
    return this.shape.currentRows
  }

  changeMessages() {
    return this.messages.filter((message) => 'key' in message) as Extract<Message<T>, { key: string }>[]
  }

  /** Resolves once `condition` holds after a received batch; rejects after `timeoutMs` with `what`. */
  waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (condition()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check)
        reject(new Error(`Timed out waiting for ${what}; rows: ${JSON.stringify(this.rows, bigintSafe)}`))
      }, timeoutMs)
      const check = () => {
        // Shape applies the batch in its own subscriber; check after it has run.
        queueMicrotask(() => {
          if (!condition()) return
          clearTimeout(timer)
          this.listeners.delete(check)
          resolve()
        })
      }
      this.listeners.add(check)
    })
  }

  async upToDate(): Promise<void> {
    await this.shape.rows
  }

  close(): void {
    this.controller.abort()
    this.stream.unsubscribeAll()
  }
}

export function bigintSafe(_key: string, value: unknown) {
  return typeof value === 'bigint' ? value.toString() : value
}

/** Sorted copy for order-independent comparisons. */
export function byKey<T>(rows: T[], key: (row: T) => string | number): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/** Raw HTTP access for protocol-level assertions. */
export async function getShape(shapeUrl: string, query: Record<string, string>, init?: RequestInit) {
  const response = await fetch(withQuery(shapeUrl, query), init)
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = text
  }
  return { status: response.status, headers: response.headers, body, text }
}

/** Polls until `check` holds, for state that arrives asynchronously (held requests, live queries). */
export async function eventually(check: () => boolean, what: string | (() => string), timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** `shapeUrl` with the query parameters set (keeping those it already has, such as the secret). */
export function withQuery(shapeUrl: string, query: Record<string, string>): string {
  const url = new URL(shapeUrl)
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value)
  return url.toString()
}
