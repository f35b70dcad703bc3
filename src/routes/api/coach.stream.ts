import { getConfig } from '@config'
import { createFileRoute } from '@tanstack/react-router'
import { coachStreamRequestSchema } from '~/domain/coach/stream-protocol'
import { requestAuthOf } from '~/server/auth/request-context'
import { startCoachReply } from '~/server/coach/coach-reply'
import { getDatabaseClient } from '~/server/database'
import { BodyTooLargeError, readTextWithin } from '~/server/http/body-limit'
import { toHttpError } from '~/server/http/errors'
import { sessionsRepository } from '~/server/repositories/sessions-repository'

const noStore = { 'cache-control': 'no-store' }
/** A prompt of MAX_PROMPT_CHARS plus metadata fits easily; anything larger is not a prompt. */
const BODY_LIMIT_BYTES = 256 * 1024

/**
 * `POST /api/coach/stream` with `{sessionId, mode, prompt, clientMessageId, threadId?, model?,
 * metadata?}`: answers NDJSON chunks (see docs/coach.md). The request middleware already checked
 * the host, the declared body size and the same-origin rule; this route authenticates, validates
 * and checks access to the session, answering 4xx JSON `{message}` before anything is written.
 */
export const Route = createFileRoute('/api/coach/stream')({
  server: {
    handlers: {
      POST: async ({ request, context }) => {
        const { principal } = requestAuthOf(context)
        if (!principal) {
          return Response.json(
            { message: 'You are not signed in (or your session expired). Reload the page to sign in again.' },
            { status: 401, headers: noStore },
          )
        }
        let body: unknown
        try {
          body = JSON.parse(await readTextWithin(request, BODY_LIMIT_BYTES))
        } catch (error) {
          if (error instanceof BodyTooLargeError) {
            return Response.json({ message: error.message }, { status: 413, headers: noStore })
          }
          return Response.json(
            { message: 'Send the prompt as a JSON object: {sessionId, mode, prompt, clientMessageId}.' },
            { status: 400, headers: noStore },
          )
        }
        const parsed = coachStreamRequestSchema.safeParse(body)
        if (!parsed.success) {
          return Response.json(
            { code: 'INVALID_INPUT', message: parsed.error.issues[0].message, issues: parsed.error.issues },
            { status: 400, headers: noStore },
          )
        }
        const db = getDatabaseClient().db
        const session = await sessionsRepository.findAccessibleSession(
          db,
          { accountId: principal.account.id, userId: principal.user.id },
          parsed.data.sessionId,
        )
        if (!session) {
          return Response.json(
            { message: 'You do not have access to this session (it does not exist, or it is not shared with you).' },
            { status: 403, headers: noStore },
          )
        }
        try {
          return await startCoachReply({ db, config: getConfig() }, session, parsed.data)
        } catch (error) {
          const httpError = toHttpError(error)
          return Response.json({ message: httpError.message }, { status: httpError.status, headers: noStore })
        }
      },
    },
  },
})
