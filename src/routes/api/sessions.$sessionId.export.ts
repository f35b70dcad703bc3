import { createFileRoute } from '@tanstack/react-router'
import { exportQuerySchema, toExportRequest } from '~/features/export/export-request'
import { resolveApiCaller } from '~/server/auth/api-caller'
import { getDatabaseClient } from '~/server/database'
import { exportError, exportSession } from '~/server/export/session-export'

/** `GET /api/sessions/<id>/export?format=…&scope=…` — a download of the session's events (docs/search-and-export.md). */
export const Route = createFileRoute('/api/sessions/$sessionId/export')({
  server: {
    handlers: {
      GET: async ({ context, params, request }) => {
        const caller = await resolveApiCaller(request, context, 'read')
        if (caller instanceof Response) return caller
        const { principal } = caller
        const query = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams))
        // Each message names its parameter already (export-request.ts).
        if (!query.success) return exportError(400, query.error.issues.map((issue) => issue.message).join(' '))
        return exportSession(
          getDatabaseClient().db,
          { accountId: principal.account.id, userId: principal.user.id },
          params.sessionId,
          toExportRequest(query.data),
        )
      },
    },
  },
})
