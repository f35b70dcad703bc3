import { getConfig } from '@config'
import { createFileRoute } from '@tanstack/react-router'
import { z } from 'zod'
import { resolveApiCaller } from '~/server/auth/api-caller'
import { getDatabaseClient } from '~/server/database'
import { uploadSessionLog } from '~/server/ingest/upload'

const uploadQuery = z.object({
  filename: z
    .string({ message: 'Add ?filename=<name of the log file> to the upload URL.' })
    .trim()
    .min(1, 'The filename parameter is empty; send the name of the log file.')
    .max(1024, 'The filename is longer than 1024 characters.'),
})

/**
 * `POST /api/uploads?filename=<name>` with the raw log as the body (streamed, never buffered whole).
 * Answers after the session and all its events are committed: `201 {sessionId, eventCount,
 * errorLines, …}`; a 4xx with a message saying what to do for input that cannot become a session.
 */
export const Route = createFileRoute('/api/uploads')({
  server: {
    handlers: {
      POST: async ({ request, context }) => {
        const caller = await resolveApiCaller(request, context, 'ingest')
        if (caller instanceof Response) return caller
        const { principal } = caller
        const query = uploadQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams))
        if (!query.success) {
          return Response.json({ message: query.error.issues[0].message }, { status: 400 })
        }
        return uploadSessionLog(getDatabaseClient().db, {
          accountId: principal.account.id,
          fileName: query.data.filename,
          body: request.body,
          maxBytes: getConfig().UPLOAD_MAX_BYTES,
          signal: request.signal,
        })
      },
    },
  },
})
