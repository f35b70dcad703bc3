import { createFileRoute } from '@tanstack/react-router'
import { requestAuthOf } from '~/server/auth/request-context'
import { getDatabaseClient } from '~/server/database'
import { uploadSessionRules } from '~/server/rules/rules-upload'

/** `POST /api/sessions/<id>/rules?name=AGENTS.md` — an instruction file as the body; see docs/rules.md. */
export const Route = createFileRoute('/api/sessions/$sessionId/rules')({
  server: {
    handlers: {
      POST: async ({ request, context, params }) => {
        const { principal } = requestAuthOf(context)
        if (!principal) {
          return Response.json(
            { message: 'You are not signed in (or your session expired). Reload the page to sign in again.' },
            { status: 401, headers: { 'cache-control': 'no-store' } },
          )
        }
        return uploadSessionRules(
          getDatabaseClient().db,
          { accountId: principal.account.id, userId: principal.user.id },
          { sessionId: params.sessionId, request },
        )
      },
    },
  },
})
