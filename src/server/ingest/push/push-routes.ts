/** The incremental ingest routes' work (the route modules only wire these to their paths). */
import type { z } from 'zod'
import { chunkQuerySchema, fileNameOf, type OffsetsAnswer, offsetsQuerySchema } from '~/domain/push/push-protocol'
import { errorMessage } from '~/lib/error-message'
import { resolveApiCaller } from '~/server/auth/api-caller'
import { getDatabaseClient } from '~/server/database'
import { BodyTooLargeError, PUSH_CHUNK_MAX_BYTES, readBytesWithin } from '~/server/http/body-limit'
import { createLogger, describeError } from '~/server/log'
import { pushedSourcesRepository } from '~/server/repositories/pushed-sources-repository'
import { appendPushedChunk } from './push-chunk'

const noStore = { 'cache-control': 'no-store' }
const log = createLogger('push')

function answer(status: number, body: object) {
  return Response.json(body, { status, headers: noStore })
}

function queryOf<S extends z.ZodType>(request: Request, schema: S): z.output<S> | Response {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams))
  if (parsed.success) return parsed.data
  return answer(400, { message: parsed.error.issues.map((issue) => issue.message).join(' '), reason: 'invalid' })
}

/** `POST /api/ingest/chunks?machine=&sourceKey=&offset=[&fileName=][&complete=true]`, the chunk as the body. */
export async function handleChunk(request: Request, context: unknown): Promise<Response> {
  const caller = await resolveApiCaller(request, context, 'ingest')
  if (caller instanceof Response) return caller
  const query = queryOf(request, chunkQuerySchema)
  if (query instanceof Response) return query
  let bytes: Buffer
  try {
    bytes = await readBytesWithin(request, PUSH_CHUNK_MAX_BYTES)
  } catch (error) {
    if (error instanceof BodyTooLargeError) return answer(413, { message: error.message, reason: 'too-large' })
    throw error
  }
  try {
    const outcome = await appendPushedChunk(getDatabaseClient().db, {
      principal: caller.principal,
      machine: query.machine,
      sourceKey: query.sourceKey,
      fileName: query.fileName ?? fileNameOf(query.sourceKey),
      offset: query.offset,
      bytes,
      complete: query.complete,
    })
    switch (outcome.kind) {
      case 'appended':
        return answer(200, { offset: outcome.offset, appended: outcome.appended, sessionId: outcome.sessionId })
      case 'offset-conflict':
        return answer(409, {
          reason: 'offset-ahead',
          offset: outcome.offset,
          message: `This server has ${outcome.offset} bytes of this log and your chunk starts at ${query.offset}. Resend from byte ${outcome.offset}.`,
        })
      case 'rejected':
        return answer(415, { reason: 'unsupported', offset: outcome.offset, message: outcome.message })
      case 'line-too-long':
        return answer(413, {
          reason: 'line-too-long',
          offset: outcome.offset,
          message: 'A line of this log is longer than 16 MB without a line break; the server does not keep it.',
        })
    }
  } catch (error) {
    log.error(`chunk of ${query.machine}:${query.sourceKey} at ${query.offset} failed: ${describeError(error)}`)
    return answer(500, {
      message: `The chunk could not be stored (${errorMessage(error)}). Nothing moved; send it again.`,
    })
  }
}

/** `GET /api/ingest/offsets?machine=[&sourceKey=]`: what the server has of each log from that machine. */
export async function handleOffsets(request: Request, context: unknown): Promise<Response> {
  const caller = await resolveApiCaller(request, context, 'ingest')
  if (caller instanceof Response) return caller
  const query = queryOf(request, offsetsQuerySchema)
  if (query instanceof Response) return query
  const rows = await pushedSourcesRepository.listForMachine(
    getDatabaseClient().db,
    caller.principal.account.id,
    query.machine,
  )
  const body: OffsetsAnswer = {
    machine: query.machine,
    sources: rows
      .filter((row) => query.sourceKey === undefined || row.sourceKey === query.sourceKey)
      .map((row) => ({
        sourceKey: row.sourceKey,
        offset: row.offsetBytes,
        sessionId: row.sessionId,
        rejection: row.rejection,
      })),
  }
  return answer(200, body)
}
