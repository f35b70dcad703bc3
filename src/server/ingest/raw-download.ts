/**
 * The raw log of a session for the account that owns it: the stored upload (decompressed chunk by
 * chunk while it streams out) or, for a discovered session, the file itself.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import { z } from 'zod'
import type { Database } from '~/db/client'
import { sessionUploadsRepository } from '~/server/repositories/session-uploads-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'

const noStore = { 'cache-control': 'private, no-store' }

function notFound(message: string) {
  return Response.json({ message }, { status: 404, headers: noStore })
}

function attachment(name: string, size: number | undefined) {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return {
    ...noStore,
    'content-type': 'text/plain; charset=utf-8',
    'content-disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
    ...(size === undefined ? {} : { 'content-length': String(size) }),
  }
}

export async function downloadRawLog(db: Database, accountId: string, sessionId: string): Promise<Response> {
  if (!z.uuid().safeParse(sessionId).success) return notFound(`There is no session ${sessionId}.`)
  const session = await sessionsRepository.findSession(db, sessionId)
  // Raw logs can hold secrets: only the owning account gets them, not people it is shared with.
  if (!session || session.accountId !== accountId)
    return notFound(`Session ${sessionId} does not exist or is not yours.`)

  const upload = await sessionUploadsRepository.latestCompletedUpload(db, sessionId)
  if (upload) {
    const chunks = sessionUploadsRepository.readChunks(db, upload.id)
    const plain = (async function* () {
      for await (const chunk of chunks) yield upload.contentEncoding === 'gzip' ? gunzipSync(chunk) : chunk
    })()
    return new Response(Readable.toWeb(Readable.from(plain)) as ReadableStream, {
      headers: attachment(upload.originalName, upload.sizeBytes),
    })
  }
  if (session.sourcePath) {
    const info = await stat(session.sourcePath).catch(() => undefined)
    if (!info?.isFile()) {
      return notFound(`The log file of this session is no longer on disk (${session.sourcePath}).`)
    }
    return new Response(Readable.toWeb(createReadStream(session.sourcePath)) as ReadableStream, {
      headers: attachment(session.originalName ?? 'session.jsonl', info.size),
    })
  }
  if (session.source === 'pushed') {
    return notFound(
      `This session was pushed from ${session.machine ?? 'another machine'}; the server keeps its events, not a raw copy of the log. Export it instead.`,
    )
  }
  return notFound('This session has no stored log (it was imported from the original product without one).')
}
