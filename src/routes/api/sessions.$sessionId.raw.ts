import { createFileRoute } from '@tanstack/react-router'
import { resolveApiCaller } from '~/server/auth/api-caller'
import { getDatabaseClient } from '~/server/database'
import { downloadRawLog } from '~/server/ingest/raw-download'

/** `GET /api/sessions/<id>/raw` — the session's log as it was uploaded or as it is on disk, for its owner. */
export const Route = createFileRoute('/api/sessions/$sessionId/raw')({
  server: {
    handlers: {
      GET: async ({ request, context, params }) => {
        const caller = await resolveApiCaller(request, context, 'read')
        if (caller instanceof Response) return caller
        const { principal } = caller
        return downloadRawLog(getDatabaseClient().db, principal.account.id, params.sessionId)
      },
    },
  },
})
