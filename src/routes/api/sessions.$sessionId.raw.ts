import { createFileRoute } from '@tanstack/react-router'
import { requestAuthOf } from '~/server/auth/request-context'
import { getDatabaseClient } from '~/server/database'
import { downloadRawLog } from '~/server/ingest/raw-download'

/** `GET /api/sessions/<id>/raw` — the session's log as it was uploaded or as it is on disk, for its owner. */
export const Route = createFileRoute('/api/sessions/$sessionId/raw')({
  server: {
    handlers: {
      GET: async ({ context, params }) => {
        const { principal } = requestAuthOf(context)
        if (!principal) {
          return Response.json(
            { message: 'You are not signed in (or your session expired). Reload the page to sign in again.' },
            { status: 401, headers: { 'cache-control': 'no-store' } },
          )
        }
        return downloadRawLog(getDatabaseClient().db, principal.account.id, params.sessionId)
      },
    },
  },
})
