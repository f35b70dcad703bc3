import type { IncomingMessage, ServerResponse } from 'node:http'
import type pg from 'pg'
import { errorMessage } from './errors.ts'
import { streamShapeEvents } from './event-stream.ts'
import {
  baseHeaders,
  CACHE,
  type CacheLifetimes,
  HttpError,
  nonLiveCacheControl,
  requestedEntityTags,
  send,
} from './http-responses.ts'
import { quoteTable } from './identifiers.ts'
import { formatOffset, type LogOffset } from './offsets.ts'
import { postgresErrorCode } from './postgres-connections.ts'
import { isSchemaChangeError } from './schema-watch.ts'
import { type ActiveShape, type Shape, ShapeRotatedError } from './shape.ts'
import {
  buildShapeDefinition,
  DefinitionError,
  expressionContext,
  parseColumnList,
  type ShapeDefinition,
} from './shape-definition.ts'
import type { ShapeRegistry } from './shape-registry.ts'
import {
  InvalidRequestError,
  parseShapeQuery,
  parseSubsetBody,
  type ShapeRequest,
  type SubsetInput,
} from './shape-request.ts'
import { takeSubsetSnapshot } from './snapshot-query.ts'
import { schemaHeader } from './table-catalog.ts'
import type { TableResolver } from './table-resolver.ts'
import { compileOrderBy, compileWhere, WhereClauseError } from './where-clause.ts'

export interface ShapeEndpointContext {
  pool: pg.Pool
  registry: ShapeRegistry
  tables: TableResolver
  longPollTimeoutMs: number
  /** How long a server-sent event stream stays open (Electric: 60 s). */
  sseTimeoutMs: number
  /** Quiet time after which an event stream gets a keep-alive comment (Electric: 21 s). */
  sseKeepAliveMs: number
  maxLiveRequests: number
  /** Lifetimes of non-live responses other than the initial chunk. */
  cache: CacheLifetimes
  allowShapeDeletion: boolean
  /** Highest LSN whose transactions are all in the shape logs (`global_last_seen_lsn`). */
  lastSeenLsn(): bigint
  isClosing(): boolean
}

const MAX_BODY_BYTES = 1024 * 1024
const CURSOR_EPOCH_MS = Date.UTC(2024, 9, 9)
const MUST_REFETCH_BODY = JSON.stringify([{ headers: { control: 'must-refetch' } }])

type WaitOutcome = 'changed' | 'timeout' | 'aborted'

/** `GET|HEAD|POST|DELETE /v1/shape`. */
export class ShapeEndpoint {
  private liveRequests = 0

  constructor(private readonly context: ShapeEndpointContext) {}

  get heldRequests(): number {
    return this.liveRequests
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method === 'DELETE') return this.handleDelete(request, response, url)
    const body = request.method === 'POST' ? await readJsonBody(request) : undefined
    const shapeRequest = parseShapeQuery(url.searchParams)
    if (request.method === 'POST') shapeRequest.subset = parseSubsetBody(body)

    const requestStart = Date.now()
    let definition = await this.definitionFor(shapeRequest)
    // Shapes are let go while closing: a lookup would create a new shape and answer 409.
    this.refuseWhileClosing()
    let shape = this.context.registry.current(definition)
    if (!shape) {
      // A new shape is built from the catalog as it is now, never from an older cache entry.
      definition = await this.definitionFor(shapeRequest, requestStart)
      shape = await this.obtain(definition)
    }
    if (shapeRequest.handle !== undefined && shapeRequest.handle !== shape.handle) {
      return this.mustRefetch(request, response, shape)
    }
    let active: ActiveShape
    for (let attempt = 1; ; attempt++) {
      this.context.registry.touch(shape)
      const outcome = await this.whenReady(shape, response)
      if (outcome === 'aborted') return
      if (outcome !== 'rotated') {
        active = outcome
        break
      }
      const replacement = await this.replacementFor(shapeRequest)
      // Rotated while its snapshot ran: a client holding the handle must refetch; one starting
      // from scratch simply gets the replacement.
      if (shapeRequest.handle !== undefined || attempt >= 3) return this.mustRefetch(request, response, replacement)
      shape = replacement
    }

    if (shapeRequest.subset) return this.serveSubset(request, response, active, shapeRequest)
    if (shapeRequest.offset.kind === 'now') return this.serveNow(request, response, active)
    return this.serveLog(request, response, active, shapeRequest.offset.offset, shapeRequest)
  }

  private async definitionFor(shapeRequest: ShapeRequest, notOlderThan?: number): Promise<ShapeDefinition> {
    const table = await this.context.tables.resolve(shapeRequest.table, { notOlderThan })
    try {
      if (shapeRequest.queryableColumns !== undefined)
        parseColumnList(table, shapeRequest.queryableColumns, 'queryable_columns')
      return await buildShapeDefinition(table, {
        where: shapeRequest.where,
        params: shapeRequest.params,
        columns: shapeRequest.columns ?? shapeRequest.queryableColumns,
        replica: shapeRequest.replica,
        logMode: shapeRequest.logMode,
        resolveTable: async (name) => {
          try {
            return await this.context.tables.resolve(quoteTable(name), { notOlderThan })
          } catch (error) {
            // A missing inner table is a problem of the where clause, not of `table`.
            if (error instanceof InvalidRequestError) {
              throw new WhereClauseError(Object.values(error.errors).flat().join('; '))
            }
            throw error
          }
        },
      })
    } catch (error) {
      throw asInvalidRequest(error)
    }
  }

  private async obtain(definition: ShapeDefinition): Promise<Shape> {
    try {
      return await this.context.registry.obtain(definition)
    } catch (error) {
      throw asInvalidRequest(error)
    }
  }

  /** The shape once its snapshot is done, or why it cannot be served. */
  private async whenReady(shape: Shape, response: ServerResponse): Promise<ActiveShape | 'rotated' | 'aborted'> {
    let active: ActiveShape | undefined
    try {
      active = await shape.ready
    } catch (error) {
      // A table dropped or altered under a running snapshot: the shape is gone (the registry
      // rotated it), and the caller answers from the catalog as it is now (409 or 400).
      if (!(error instanceof ShapeRotatedError) && !isSchemaChangeError(error)) throw asInvalidRequest(error)
    }
    if (response.destroyed) return 'aborted'
    this.refuseWhileClosing()
    if (!active || shape.state === 'rotated') return 'rotated'
    return active
  }

  private mustRefetch(request: IncomingMessage, response: ServerResponse, shape: Shape) {
    send(
      request,
      response,
      409,
      { 'electric-handle': shape.handle, 'cache-control': CACHE.mustRefetch },
      MUST_REFETCH_BODY,
    )
  }

  /** `global_last_seen_lsn` never past what this shape serves (its log may hold entries back). */
  private upToDateMessage(shape: ActiveShape): string {
    const seen = shape.log.seenLsn(this.context.lastSeenLsn())
    return JSON.stringify({ headers: { control: 'up-to-date', global_last_seen_lsn: seen.toString() } })
  }

  private serveNow(request: IncomingMessage, response: ServerResponse, shape: ActiveShape) {
    const { log } = shape
    const offset = formatOffset(log.lastOffset)
    send(
      request,
      response,
      200,
      {
        'electric-handle': shape.handle,
        'electric-offset': offset,
        'electric-schema': schemaHeader(shape.table, shape.definition.selectedColumns),
        'electric-up-to-date': '',
        'electric-has-data': 'false',
        'cache-control': nonLiveCacheControl(this.context.cache),
        etag: noChangeEtag(shape.handle, 'now', offset),
      },
      `[${this.upToDateMessage(shape)}]`,
    )
  }

  private async serveLog(
    request: IncomingMessage,
    response: ServerResponse,
    shape: ActiveShape,
    from: LogOffset,
    shapeRequest: ShapeRequest,
  ): Promise<void> {
    const { log } = shape
    if (this.isBeyondEnd(shape, from)) {
      const outcome = await this.waitForChange(
        shape,
        response,
        Math.floor(this.context.longPollTimeoutMs / 2),
        () => !this.isBeyondEnd(shape, from),
      )
      if (outcome === 'aborted') return
      if (shape.state === 'rotated') return this.afterRotation(request, response, shapeRequest)
      if (this.isBeyondEnd(shape, from)) throw InvalidRequestError.field('offset', 'out of bounds for this shape')
    }

    if (shapeRequest.liveSse) return this.serveEventStream(request, response, shape, from, shapeRequest)

    if (shapeRequest.live && !log.hasEntriesAfter(from)) {
      this.admitLiveRequest()
      this.liveRequests++
      let outcome: WaitOutcome
      try {
        outcome = await this.waitForChange(shape, response, this.context.longPollTimeoutMs, () =>
          log.hasEntriesAfter(from),
        )
      } finally {
        this.liveRequests--
      }
      if (outcome === 'aborted') return
      if (shape.state === 'rotated') return this.afterRotation(request, response, shapeRequest)
    }

    const read = log.read(from)
    const endsUpToDate = read.reachedEnd
    const parts: string[] = []
    if (read.body) parts.push(read.body)
    if (endsUpToDate) parts.push(this.upToDateMessage(shape))
    const offset = formatOffset(read.end)
    // Only a live request that waited in vain is "no change": its etag can never be revalidated,
    // so a cache has to hold and collapse live requests instead. Any other read — an empty one at
    // the tip of the log included — is the same answer as long as the log does not move.
    const noChange = shapeRequest.live && read.count === 0
    const headers: Record<string, string> = {
      'electric-handle': shape.handle,
      'electric-offset': offset,
      'electric-has-data': String(!noChange),
      etag: noChange
        ? noChangeEtag(shape.handle, formatOffset(from), offset)
        : `"${shape.handle}:${formatOffset(from)}:${offset}"`,
    }
    if (endsUpToDate) headers['electric-up-to-date'] = ''
    if (shapeRequest.live) {
      headers['electric-cursor'] = nextCursor(shapeRequest.cursor, this.context.longPollTimeoutMs)
      headers['cache-control'] = CACHE.live
    } else {
      headers['electric-schema'] = schemaHeader(shape.table, shape.definition.selectedColumns)
      headers['cache-control'] = from.tx < 0n ? CACHE.initialChunk : nonLiveCacheControl(this.context.cache)
      const wanted = requestedEntityTags(request)
      if (wanted.includes('*') || wanted.includes(headers.etag.slice(1, -1))) {
        return send(request, response, 304, headers)
      }
    }
    send(request, response, 200, headers, `[${parts.join(',')}]`)
  }

  /**
   * Past the end of the shape's log. `<lsn>_0` up to the last LSN every shape has seen is not: it
   * is where a client resumes after a server-sent `up-to-date` (`<global_last_seen_lsn>_0`), and
   * nothing at or below it can still arrive.
   */
  private isBeyondEnd(shape: ActiveShape, from: LogOffset): boolean {
    if (!shape.log.isBeyondEnd(from)) return false
    const seen = shape.log.seenLsn(this.context.lastSeenLsn())
    return !(from.op === 0 && (from.tx <= seen || from.tx <= shape.log.throughLsn))
  }

  private admitLiveRequest() {
    if (this.liveRequests < this.context.maxLiveRequests) return
    throw new HttpError(
      503,
      {
        code: 'concurrent_request_limit_exceeded',
        message: `More than ${this.context.maxLiveRequests} live requests are held`,
      },
      { 'retry-after': '5' },
    )
  }

  /** `live=true&live_sse=true`: the log as server-sent events, held open for the SSE timeout. */
  private async serveEventStream(
    request: IncomingMessage,
    response: ServerResponse,
    shape: ActiveShape,
    from: LogOffset,
    shapeRequest: ShapeRequest,
  ) {
    this.admitLiveRequest()
    if (response.headersSent || response.destroyed) return
    // Just under the stream's lifetime, so a cache collapses the clients that arrive meanwhile.
    const maxAge = Math.max(1, Math.floor(this.context.sseTimeoutMs / 1000) - 1)
    response.writeHead(200, {
      ...baseHeaders(request),
      'content-type': 'text/event-stream',
      'cache-control': `public, max-age=${maxAge}`,
      // Buffering proxies (nginx) would hold the events back until the stream ends.
      'x-accel-buffering': 'no',
      'electric-handle': shape.handle,
      // Where this stream started: a client that loses it before an up-to-date resumes here.
      'electric-offset': formatOffset(from),
      'electric-cursor': nextCursor(shapeRequest.cursor, this.context.longPollTimeoutMs),
    })
    response.flushHeaders()
    if (request.method === 'HEAD') return void response.end()
    this.liveRequests++
    try {
      await streamShapeEvents(shape, response, from, {
        timeoutMs: this.context.sseTimeoutMs,
        keepAliveMs: this.context.sseKeepAliveMs,
        lastSeenLsn: () => shape.log.seenLsn(this.context.lastSeenLsn()),
        isClosing: () => this.context.isClosing(),
      })
    } finally {
      this.liveRequests--
    }
  }

  private refuseWhileClosing() {
    if (this.context.isClosing()) {
      throw new HttpError(503, { message: 'The shape server is shutting down; retry shortly.' }, { 'retry-after': '1' })
    }
  }

  private async afterRotation(request: IncomingMessage, response: ServerResponse, shapeRequest: ShapeRequest) {
    this.refuseWhileClosing()
    return this.mustRefetch(request, response, await this.replacementFor(shapeRequest))
  }

  /** The shape that replaces a rotated one, built from the catalog as it is now (it may have changed). */
  private async replacementFor(shapeRequest: ShapeRequest): Promise<Shape> {
    return this.obtain(await this.definitionFor(shapeRequest, Date.now()))
  }

  private async serveSubset(
    request: IncomingMessage,
    response: ServerResponse,
    shape: ActiveShape,
    shapeRequest: ShapeRequest,
  ) {
    const subset = shapeRequest.subset as SubsetInput
    const { table } = shape.definition
    let queryable: Set<string> | undefined
    if (shapeRequest.queryableColumns !== undefined) {
      try {
        queryable = new Set(parseColumnList(table, shapeRequest.queryableColumns, 'queryable_columns'))
      } catch (error) {
        throw asInvalidRequest(error)
      }
    }
    const context = expressionContext(table, queryable)
    let where: Awaited<ReturnType<typeof compileWhere>> | undefined
    let orderBy: string | undefined
    try {
      if (subset.where?.trim()) where = await compileWhere(subset.where, subset.params, context)
      if (subset.orderBy?.trim()) orderBy = await compileOrderBy(subset.orderBy, context)
    } catch (error) {
      if (error instanceof WhereClauseError) throw InvalidRequestError.field(error.field, error.message, 'subset')
      throw error
    }
    const { log } = shape
    // Taken before the query: changes after this offset are replayed and the client drops those
    // already visible in the subset's snapshot.
    const offset = formatOffset(log.lastOffset)
    let result: Awaited<ReturnType<typeof takeSubsetSnapshot>>
    try {
      const subsetRequest = { where, orderBy, limit: subset.limit, offset: subset.offset }
      result = shape.subqueries
        ? await shape.subqueries.takeSubset(this.context.pool, subsetRequest)
        : await takeSubsetSnapshot(this.context.pool, shape.definition, subsetRequest)
    } catch (error) {
      const code = postgresErrorCode(error)
      if (code?.startsWith('22') || code?.startsWith('42'))
        throw InvalidRequestError.field('where', errorMessage(error), 'subset')
      throw error
    }
    send(
      request,
      response,
      200,
      {
        'electric-handle': shape.handle,
        'electric-offset': offset,
        'electric-schema': schemaHeader(table, shape.definition.selectedColumns),
        'electric-snapshot': 'true',
        'cache-control': CACHE.subset,
      },
      `{"metadata":${JSON.stringify(result.metadata)},"data":[${result.items.join(',')}]}`,
    )
  }

  /**
   * Holds the request until `ready()` turns true, the shape is rotated, the server closes, the
   * timeout passes or the client goes away — whichever comes first. Nothing stays registered.
   */
  private waitForChange(
    shape: ActiveShape,
    response: ServerResponse,
    timeoutMs: number,
    ready: () => boolean,
  ): Promise<WaitOutcome> {
    const { log } = shape
    return new Promise((resolve) => {
      let unregister = () => {}
      const finish = (outcome: WaitOutcome) => {
        unregister()
        clearTimeout(timer)
        response.off('close', onClose)
        resolve(outcome)
      }
      const onClose = () => finish('aborted')
      const listen = () => {
        unregister = log.onChange(() => {
          if (ready() || shape.state === 'rotated' || this.context.isClosing()) finish('changed')
          else listen()
        })
      }
      const timer = setTimeout(() => finish('timeout'), timeoutMs)
      response.on('close', onClose)
      if (response.destroyed) return finish('aborted')
      listen()
    })
  }

  private async handleDelete(request: IncomingMessage, response: ServerResponse, url: URL) {
    if (!this.context.allowShapeDeletion) throw new HttpError(405, { message: 'DELETE not allowed' })
    const handle = url.searchParams.get('handle')
    let shape: Shape | undefined
    if (url.searchParams.has('table')) {
      const search = new URLSearchParams(url.searchParams)
      search.set('offset', '-1')
      search.delete('live')
      const definition = await this.definitionFor(parseShapeQuery(search))
      shape = this.context.registry.current(definition)
      if (shape && handle && shape.handle !== handle) shape = undefined
    } else if (handle) {
      shape = this.context.registry.find(handle)
    } else {
      throw InvalidRequestError.field('table', "can't be blank")
    }
    if (!shape) throw new HttpError(404, { message: 'Shape not found' })
    this.context.registry.rotate(shape, 'deleted through the API')
    send(request, response, 202, {}, '')
  }
}

function asInvalidRequest(error: unknown): unknown {
  if (error instanceof DefinitionError) return InvalidRequestError.field(error.field, error.message)
  if (error instanceof WhereClauseError) return InvalidRequestError.field(error.field, error.message)
  return error
}

/** An etag that never matches again: for answers that only say "nothing changed (yet)". */
function noChangeEtag(handle: string, from: string, end: string): string {
  return `"${handle}:${from}:${end}:${process.hrtime.bigint()}"`
}

/** Next long-poll interval boundary (seconds since 2024-10-09), always past the client's cursor. */
export function nextCursor(requestCursor: string | undefined, longPollTimeoutMs: number): string {
  const interval = Math.max(1, Math.round(longPollTimeoutMs / 1000))
  const seconds = Math.floor((Date.now() - CURSOR_EPOCH_MS) / 1000)
  let cursor = Math.ceil(seconds / interval) * interval
  const previous = Number(requestCursor)
  if (requestCursor && Number.isSafeInteger(previous) && cursor <= previous) {
    cursor = previous + 1 + Math.floor(Math.random() * 3600)
  }
  return String(cursor)
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { error: 'Request body too large' })
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text)
  } catch {
    throw InvalidRequestError.field('body', 'must be valid JSON')
  }
}
