/**
 * `GET /api/sessions/<id>/export`: the session's events in the requested format, streamed as a
 * download — the header, then one chunk per batch of events read from Postgres, then the footer.
 * Whoever may read the session's timeline may export it (owner, or a member it is shared with).
 */
import { Readable } from 'node:stream'
import { z } from 'zod'
import type { Database } from '~/db/client'
import { prepareEvent } from '~/domain/export/event-sections'
import { exportFileName } from '~/domain/export/export-file-name'
import type { ExportContext, ExportRequest, ExportSession } from '~/domain/export/export-types'
import { EXPORT_FORMATTERS } from '~/domain/export/formatters'
import { createLogger, describeError } from '~/server/log'
import { type ExportSelection, exportRepository } from '~/server/repositories/export-repository'
import { sessionsRepository } from '~/server/repositories/sessions-repository'

const noStore = { 'cache-control': 'private, no-store' }
const log = createLogger('export')

export function exportError(status: number, message: string) {
  return Response.json({ message }, { status, headers: noStore })
}

function attachment(name: string, contentType: string) {
  // File names here are ASCII already (exportFileName); filename* keeps the header standard.
  return {
    ...noStore,
    'content-type': contentType,
    'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'x-content-type-options': 'nosniff',
  }
}

export async function exportSession(
  db: Database,
  principal: { accountId: string; userId: string },
  sessionId: string,
  request: ExportRequest,
  now = new Date(),
): Promise<Response> {
  if (!z.uuid().safeParse(sessionId).success) return exportError(404, `There is no session ${sessionId}.`)
  const session = await sessionsRepository.findAccessibleSession(db, principal, sessionId)
  if (!session) return exportError(404, `Session ${sessionId} does not exist or is not shared with you.`)

  const selection: ExportSelection = {
    sessionId,
    types: request.types,
    fromOrdinal: request.from === null ? null : request.from - 1,
    toOrdinal: request.to === null ? null : request.to - 1,
    order: request.order,
  }
  const { count, lastOrdinal } = await exportRepository.measure(db, selection)
  if (request.scope === 'event' && count === 0) return exportError(404, `This session has no event #${request.from}.`)
  // Events stored after this point (a live session) are left out, so the file matches its count.
  const bounded: ExportSelection = {
    ...selection,
    toOrdinal: lastOrdinal === null ? selection.toOrdinal : Math.min(selection.toOrdinal ?? lastOrdinal, lastOrdinal),
  }

  const sessionInfo: ExportSession = {
    id: session.id,
    title: session.title,
    origin: session.origin,
    status: session.status,
    repoName: session.repoName,
    branch: session.branch,
    commitSha: session.commitSha,
    cwd: session.cwd,
    model: session.model,
    cliVersion: session.cliVersion,
    startedAt: session.startedAt?.toISOString() ?? null,
    lastEventAt: session.lastEventAt?.toISOString() ?? null,
  }
  const context: ExportContext = {
    session: sessionInfo,
    request,
    exportedAt: now.toISOString(),
    eventCount: count,
    isPartial: session.status !== 'complete',
  }
  const formatter = EXPORT_FORMATTERS[request.format]

  async function* pieces() {
    yield formatter.begin(context)
    let index = 0
    if (count > 0) {
      for await (const batch of exportRepository.readEvents(db, bounded)) {
        let chunk = ''
        for (const event of batch) chunk += formatter.event(prepareEvent(event, request), index++, context)
        yield chunk
      }
    }
    yield formatter.end(context)
  }
  const body = Readable.from(pieces(), { objectMode: false })
  body.on('error', (error) => log.error(`export of ${sessionId} stopped: ${describeError(error)}`))
  return new Response(Readable.toWeb(body) as ReadableStream, {
    headers: attachment(exportFileName(context), formatter.contentType),
  })
}
