/**
 * The upload endpoint's work: the request body streamed through ingest, and every outcome turned
 * into an answer a person can act on. The route only authenticates and validates the query.
 */
import type { Database } from '~/db/client'
import { errorMessage } from '~/lib/error-message'
import { createLogger, describeError } from '~/server/log'
import { formatBytes, IngestRejection, ingestStream, type RejectionKind } from './ingest-stream'

const STATUS_OF: Record<RejectionKind, number> = {
  empty: 400,
  binary: 415,
  undecodable: 415,
  unsupported: 415,
  'no-events': 422,
  'too-large': 413,
}

export interface UploadRequest {
  accountId: string
  /** As the browser names it; a folder upload may send `folder/sub/file.jsonl`. */
  fileName: string
  body: ReadableStream<Uint8Array> | null
  maxBytes: number
  /** The request's signal: aborted when the client went away, which is no server failure. */
  signal?: AbortSignal
}

const noStore = { 'cache-control': 'no-store' }
const log = createLogger('ingest')

export async function uploadSessionLog(db: Database, upload: UploadRequest): Promise<Response> {
  const body = upload.body ?? emptyStream()
  try {
    const outcome = await ingestStream(
      db,
      { accountId: upload.accountId, source: 'upload', displayName: upload.fileName, sourcePath: null },
      body as unknown as AsyncIterable<Uint8Array>,
      { maxBytes: upload.maxBytes, storeRaw: true },
    )
    const warnings: string[] = []
    if (outcome.repairedLineCount > 0) {
      warnings.push(
        `${outcome.repairedLineCount} line${outcome.repairedLineCount === 1 ? '' : 's'} had invalid UTF-8 bytes, shown as �.`,
      )
    }
    if (outcome.duplicate) warnings.push('This log was uploaded before; its session is up to date.')
    return Response.json(
      {
        sessionId: outcome.sessionId,
        eventCount: outcome.eventCount,
        errorLines: outcome.errorLineCount,
        sizeBytes: outcome.bytesRead,
        duplicate: outcome.duplicate,
        warnings,
        txid: outcome.txid,
      },
      { status: 201, headers: noStore },
    )
  } catch (error) {
    if (error instanceof IngestRejection) {
      return Response.json(
        { message: error.message, reason: error.kind },
        { status: STATUS_OF[error.kind], headers: noStore },
      )
    }
    if (upload.signal?.aborted) {
      // The browser closed the tab or lost its network mid-upload; nobody reads this answer.
      log.info(`upload of ${JSON.stringify(upload.fileName)} abandoned by the client; nothing was kept`)
      return new Response(null, { status: 499, headers: noStore })
    }
    log.error(`upload of ${JSON.stringify(upload.fileName)} failed: ${describeError(error)}`)
    return Response.json(
      {
        message: `The upload could not be stored (${errorMessage(error)}). Nothing was kept; try again.`,
        limit: formatBytes(upload.maxBytes),
      },
      { status: 500, headers: noStore },
    )
  }
}

function emptyStream() {
  return new ReadableStream<Uint8Array>({ start: (controller) => controller.close() })
}
