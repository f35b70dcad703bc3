import { createFileRoute } from '@tanstack/react-router'
import { resolveApiCaller } from '~/server/auth/api-caller'
import { getDatabaseClient } from '~/server/database'
import { uploadSessionRules } from '~/server/rules/rules-upload'

/** `POST /api/sessions/<id>/rules?name=AGENTS.md` — an instruction file as the body; see docs/rules.md. */
export const Route = createFileRoute('/api/sessions/$sessionId/rules')({
  server: {
    handlers: {
      POST: async ({ request, context, params }) => {
        const caller = await resolveApiCaller(request, context, 'ingest')
        if (caller instanceof Response) return caller
        const { principal } = caller
        return uploadSessionRules(
          getDatabaseClient().db,
          { accountId: principal.account.id, userId: principal.user.id },
          { sessionId: params.sessionId, request },
        )
      },
    },
  },
})
